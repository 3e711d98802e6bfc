// CoNLL-U: reading (words, multiword tokens, empty nodes, comments), the
// byte-exact writer, and the errors.
#include <gtest/gtest.h>

#include "expect_input_error.h"
#include "recur/conllu.h"
#include "test_files.h"

namespace recur {
namespace {

using Words = std::vector<std::string>;

// Two sentences: a multiword token (3-4) and an empty node (2.1), comments,
// "\r\n" endings in the second and no final newline.
const std::string kDocument =
    "# sent_id = 1\n"
    "# text = I can't go.\n"
    "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n"
    "2\tca\tcan\tAUX\tMD\t_\t4\taux\t_\t_\n"
    "2.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t0:root\t_\n"
    "3-4\tn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n"
    "4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n"
    "\n"
    "# sent_id = 2\r\n"
    "1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_\r\n";

TEST(Conllu, ReadsWordsNotRangesOrEmptyNodes) {
  const ConlluDocument doc = ConlluDocument::parse(kDocument, "d.conllu");
  ASSERT_EQ(doc.sentences().size(), 2u);
  EXPECT_EQ(doc.word_count(), 5);
  EXPECT_EQ(doc.sentences()[0].first_line, 1);
  EXPECT_EQ(doc.sentences()[1].first_line, 10);
  const TaggedSentences upos = doc.tagged(ConlluColumn::Upos);
  EXPECT_EQ(upos.sentences[0].words, (Words{"I", "ca", "n't", "go"}));
  EXPECT_EQ(upos.sentences[0].tags, (Words{"PRON", "AUX", "PART", "VERB"}));
  EXPECT_EQ(upos.sentences[0].lines, (std::vector<int64_t>{3, 4, 7, 8}));
  EXPECT_EQ(upos.sentences[1].tags, Words{"INTJ"});  // no "\r"
  EXPECT_EQ(doc.tagged(parse_conllu_column("DEPREL")).sentences[0].tags, (Words{"nsubj", "aux", "advmod", "root"}));
  EXPECT_EQ(doc.tagged(ConlluColumn::Misc).sentences[1].tags, Words{"_"});
}

TEST(Conllu, ColumnNames) {
  EXPECT_EQ(parse_conllu_column("upos"), ConlluColumn::Upos);
  EXPECT_EQ(parse_conllu_column("XPOS"), ConlluColumn::Xpos);
  EXPECT_EQ(parse_conllu_column("misc"), ConlluColumn::Misc);
  EXPECT_EQ(conllu_column_name(ConlluColumn::Deprel), "deprel");
  EXPECT_THROW(parse_conllu_column("pos"), std::invalid_argument);
}

TEST(Conllu, WriterReplacesOnlyTheChosenColumn) {
  const ConlluDocument doc = ConlluDocument::parse(kDocument, "d.conllu");
  const std::string written = doc.with_column(ConlluColumn::Xpos, {{"A", "BB", "C", "D"}, {"EEE"}});
  // The expected bytes, edited by hand from kDocument.
  const std::string expected =
      "# sent_id = 1\n"
      "# text = I can't go.\n"
      "1\tI\tI\tPRON\tA\t_\t4\tnsubj\t_\t_\n"
      "2\tca\tcan\tAUX\tBB\t_\t4\taux\t_\t_\n"
      "2.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t0:root\t_\n"
      "3-4\tn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
      "3\tn't\tnot\tPART\tC\t_\t4\tadvmod\t_\t_\n"
      "4\tgo\tgo\tVERB\tD\t_\t0\troot\t_\tSpaceAfter=No\n"
      "\n"
      "# sent_id = 2\r\n"
      "1\tYes\tyes\tINTJ\tEEE\t_\t0\troot\t_\t_\r\n";
  EXPECT_EQ(written, expected);
  const std::string last = doc.with_column(ConlluColumn::Misc, {{"_", "_", "_", "x"}, {"y"}});
  EXPECT_NE(last.find("root\t_\tx\n"), std::string::npos);
  EXPECT_EQ(last.substr(last.size() - 6), "\t_\ty\r\n");
  EXPECT_THROW(doc.with_column(ConlluColumn::Upos, {{"A"}}), std::invalid_argument);
  EXPECT_THROW(doc.with_column(ConlluColumn::Upos, {{"A", "B", "C", "D"}, {}}), std::invalid_argument);
  EXPECT_THROW(doc.with_column(ConlluColumn::Upos, {{"A", "B", "C\tX", "D"}, {"E"}}), std::invalid_argument);
  EXPECT_THROW(doc.with_column(ConlluColumn::Upos, {{"A", "", "C", "D"}, {"E"}}), std::invalid_argument);
}

TEST(Conllu, NoFinalNewlineSurvives) {
  const std::string text = "1\ta\ta\tX\t_\t_\t0\troot\t_\t_";
  const ConlluDocument doc = ConlluDocument::parse(text, "n.conllu");
  EXPECT_EQ(doc.with_column(ConlluColumn::Upos, {{"Y"}}), "1\ta\ta\tY\t_\t_\t0\troot\t_\t_");
}

std::string word_line(const std::string& id) { return id + "\ta\ta\tX\t_\t_\t0\troot\t_\t_\n"; }

TEST(Conllu, MalformedInputNamesFileLineAndColumn) {
  EXPECT_INPUT_ERROR(ConlluDocument::parse("", "e.conllu"), "e.conllu: file is empty");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + "2\tb\tb\tX\t_\t_\t0\troot\t_\n", "c.conllu"),
                     "c.conllu:2: 9 fields, CoNLL-U token lines have 10");
  EXPECT_INPUT_ERROR(ConlluDocument::parse("# c\n1 a a X _ _ 0 root _ _\n", "c.conllu"),
                     "c.conllu:2: 1 field, CoNLL-U token lines have 10");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + word_line("two"), "c.conllu"),
                     "c.conllu:2:1: ID 'two' is not an integer");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + word_line("2-1"), "c.conllu"), "c.conllu:2:1: ID '2-1'");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + word_line("3"), "c.conllu"),
                     "c.conllu:2:1: word ID 3 where 2 was expected");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + "\n# only a comment\n# and another\n\n" + word_line("1"), "c.conllu"),
                     "c.conllu:3: sentence with no words");
  EXPECT_INPUT_ERROR(ConlluDocument::parse(word_line("1") + "\n" + word_line("1-2"), "c.conllu"),
                     "c.conllu:3: sentence with no words");
  EXPECT_INPUT_ERROR(ConlluDocument::parse("1\ta\ta\t\t_\t_\t0\troot\t_\t_\n", "c.conllu"),
                     "c.conllu:1:7: field 4 (upos) is empty");
  EXPECT_INPUT_ERROR(ConlluDocument::parse("1\t\xE2\x82\ta\tX\t_\t_\t0\troot\t_\t_\n", "c.conllu"),
                     "c.conllu:1:3: invalid UTF-8");
}

// Reading the real LinES files and writing them with their own UPOS (and
// DEPREL) gives back every byte.
TEST(Conllu, RoundTripIsByteExactOnLines) {
  for (const char* name : {"en_lines-ud-dev.conllu", "en_lines-ud-test.conllu", "en_lines-ud-train.conllu"}) {
    const auto path = testing::shared_data_file(std::string("ud-english-lines/") + name);
    if (path.empty()) GTEST_SKIP() << "../shared/data/ud-english-lines is absent";
    const std::string original = testing::read_file(path);
    const ConlluDocument doc = ConlluDocument::read(path);
    for (ConlluColumn column : {ConlluColumn::Upos, ConlluColumn::Deprel}) {
      std::vector<std::vector<std::string>> tags;
      for (const TaggedSentence& s : doc.tagged(column).sentences) tags.push_back(s.tags);
      const std::string written = doc.with_column(column, tags);
      ASSERT_EQ(written.size(), original.size()) << name;
      EXPECT_TRUE(written == original) << name;
    }
    // An independent count: lines whose first field is all digits are words.
    int64_t words = 0;
    size_t start = 0;
    while (start < original.size()) {
      const size_t end = original.find('\n', start);
      const std::string line = original.substr(start, end - start);
      const size_t tab = line.find('\t');
      if (tab != std::string::npos && tab > 0 && line.find_first_not_of("0123456789") == tab) ++words;
      start = end == std::string::npos ? original.size() : end + 1;
    }
    EXPECT_EQ(doc.word_count(), words) << name;
  }
}

TEST(Conllu, DevFileHasMultiwordTokens) {
  const auto path = testing::shared_data_file("ud-english-lines/en_lines-ud-dev.conllu");
  if (path.empty()) GTEST_SKIP() << "../shared/data/ud-english-lines is absent";
  const ConlluDocument doc = ConlluDocument::read(path);
  // First sentence (head -30 of the file): "When a user connects ... account ."
  const TaggedSentence first = doc.tagged(ConlluColumn::Upos).sentences.front();
  EXPECT_EQ(first.words.size(), 26u);
  EXPECT_EQ(first.words[0], "When");
  EXPECT_EQ(first.tags[0], "SCONJ");
  EXPECT_EQ(first.lines[0], 4);
}

}  // namespace
}  // namespace recur
