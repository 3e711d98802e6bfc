// The classification TSV reader (text<TAB>label) and the tagging TSV reader
// (token<TAB>tag, blank lines between sentences).
#include <gtest/gtest.h>

#include "expect_input_error.h"
#include "recur/classification_tsv.h"
#include "recur/tagging_tsv.h"
#include "test_files.h"

namespace recur {
namespace {

using Words = std::vector<std::string>;

TEST(ClassificationTsv, ReadsWordsLabelsAndLines) {
  const TextExamples data = parse_classification_tsv(
      "it 's a charming journey . \t1\r\n\nunflinchingly bleak\t0\n  \nsame\tnot sure", "t.tsv");
  ASSERT_EQ(data.examples.size(), 3u);
  EXPECT_EQ(data.file, "t.tsv");
  EXPECT_EQ(data.examples[0].words, (Words{"it", "'s", "a", "charming", "journey", "."}));
  EXPECT_EQ(data.examples[0].label, "1");  // "\r" gone
  EXPECT_EQ(data.examples[0].line, 1);
  EXPECT_EQ(data.examples[1].line, 3);
  EXPECT_EQ(data.examples[2].label, "not sure");
  EXPECT_EQ(data.examples[2].line, 5);
}

TEST(ClassificationTsv, HeaderAndOptionalLabels) {
  const TextExamples data = parse_classification_tsv("sentence\tlabel\ngood\t1\n", "h.tsv", {.skip_header = true});
  ASSERT_EQ(data.examples.size(), 1u);
  EXPECT_EQ(data.examples[0].line, 2);
  const TextExamples unlabelled = parse_classification_tsv("just text\nmore\t1\n", "p.tsv", {.labels_required = false});
  EXPECT_EQ(unlabelled.examples[0].words, (Words{"just", "text"}));
  EXPECT_EQ(unlabelled.examples[0].label, "");
  EXPECT_EQ(unlabelled.examples[1].label, "1");
}

TEST(ClassificationTsv, MalformedLinesNameFileLineAndColumn) {
  EXPECT_INPUT_ERROR(parse_classification_tsv("", "e.tsv"), "e.tsv: file is empty");
  EXPECT_INPUT_ERROR(parse_classification_tsv("\n\n", "e.tsv"), "e.tsv: file has only blank lines");
  EXPECT_INPUT_ERROR(parse_classification_tsv("a\t1\nno tab here\n", "t.tsv"), "t.tsv:2: no tab");
  EXPECT_INPUT_ERROR(parse_classification_tsv("a\t1\n \t0\n", "t.tsv"), "t.tsv:2:1: empty text");
  EXPECT_INPUT_ERROR(parse_classification_tsv("abc\t\n", "t.tsv"), "t.tsv:1:5: empty label");
  EXPECT_INPUT_ERROR(parse_classification_tsv("ab\tc\td\n", "t.tsv"), "t.tsv:1:5: a second tab");
  EXPECT_INPUT_ERROR(parse_classification_tsv("ok\t1\nbad \xC3(\t1\n", "t.tsv"), "t.tsv:2:5: invalid UTF-8");
  EXPECT_INPUT_ERROR(parse_classification_tsv("sentence\tlabel\n", "t.tsv", {.skip_header = true}), "t.tsv: no examples");
  EXPECT_THROW(read_classification_tsv("/nonexistent/x.tsv"), std::runtime_error);
}

TEST(ClassificationTsv, RealSst2) {
  const auto dev = testing::shared_data_file("sst2/dev.tsv");
  if (dev.empty()) GTEST_SKIP() << "../shared/data/sst2 is absent";
  const TextExamples data = read_classification_tsv(dev);
  // `wc -l` counts 872 lines, each one example; labels 0 and 1 only.
  ASSERT_EQ(data.examples.size(), 872u);
  for (const TextExample& e : data.examples) EXPECT_TRUE(e.label == "0" || e.label == "1") << e.line;
  EXPECT_EQ(data.examples[0].words.front(), "it");
  EXPECT_EQ(data.examples.back().line, 872);
}

TEST(TaggingTsv, SentencesBetweenBlankLines) {
  const TaggedSentences data = parse_tagging_tsv("\nThe\tDET\ncat\tNOUN\n\n\n\nsat\tVERB\r\n", "t.tsv");
  ASSERT_EQ(data.sentences.size(), 2u);
  EXPECT_EQ(data.sentences[0].words, (Words{"The", "cat"}));
  EXPECT_EQ(data.sentences[0].tags, (Words{"DET", "NOUN"}));
  EXPECT_EQ(data.sentences[0].lines, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(data.sentences[1].tags, (Words{"VERB"}));
  EXPECT_EQ(data.sentences[1].lines, (std::vector<int64_t>{7}));
  const TaggedSentences untagged = parse_tagging_tsv("a\nb\tX\n", "p.tsv", /*tags_required=*/false);
  EXPECT_EQ(untagged.sentences[0].tags, (Words{"", "X"}));
}

TEST(TaggingTsv, MalformedLinesNameFileLineAndColumn) {
  EXPECT_INPUT_ERROR(parse_tagging_tsv("", "t.tsv"), "t.tsv: file is empty");
  EXPECT_INPUT_ERROR(parse_tagging_tsv("a\tX\nb\n", "t.tsv"), "t.tsv:2: no tab");
  EXPECT_INPUT_ERROR(parse_tagging_tsv("a\tX\n\tY\n", "t.tsv"), "t.tsv:2:1: empty token");
  EXPECT_INPUT_ERROR(parse_tagging_tsv("a\tX\nbb\t\n", "t.tsv"), "t.tsv:2:4: empty tag");
  EXPECT_INPUT_ERROR(parse_tagging_tsv("a\tX\tY\n", "t.tsv"), "t.tsv:1:4: a second tab");
}

}  // namespace
}  // namespace recur
