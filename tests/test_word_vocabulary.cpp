// Words, lowercasing, the word vocabulary and the label set.
#include <gtest/gtest.h>

#include "recur/input_error.h"
#include "recur/label_set.h"
#include "recur/word_vocabulary.h"
#include "recur/words.h"

namespace recur {
namespace {

using Words = std::vector<std::string>;

TEST(Words, SplitAtAsciiWhitespaceOnly) {
  EXPECT_EQ(split_words("  it 's\ta  charming\r\nfilm . "), (Words{"it", "'s", "a", "charming", "film", "."}));
  EXPECT_EQ(split_words(" \t "), Words{});
  // U+00A0 (no-break space) is not ASCII whitespace: stays inside the word.
  EXPECT_EQ(split_words("a\xC2\xA0" "b c"), (Words{"a\xC2\xA0" "b", "c"}));
}

TEST(Words, LowercaseLatinGreekCyrillic) {
  EXPECT_EQ(lowercase_utf8("The SQL Server"), "the sql server");
  EXPECT_EQ(lowercase_utf8("\xC3\x89T\xC3\x89"), "\xC3\xA9t\xC3\xA9");        // ÉTÉ -> été
  EXPECT_EQ(lowercase_utf8("\xC3\x97"), "\xC3\x97");                         // × has no lowercase
  EXPECT_EQ(lowercase_utf8("\xC5\x81\xC3\xB3" "d\xC5\xBA"), "\xC5\x82\xC3\xB3" "d\xC5\xBA");  // Łódź -> łódź
  EXPECT_EQ(lowercase_utf8("\xCE\xA3\xCE\x86"), "\xCF\x83\xCE\xAC");        // ΣΆ -> σά
  EXPECT_EQ(lowercase_utf8("\xD0\x94\xD0\x81"), "\xD0\xB4\xD1\x91");        // ДЁ -> дё
  EXPECT_EQ(lowercase_utf8("A\xFF" "B\xC3"), "a\xFF" "b\xC3");               // invalid bytes kept
}

WordCounts counts_of(const Words& words) {
  WordCounts counts;
  counts.add(words);
  return counts;
}

TEST(WordVocabulary, MinCountKeepsFrequentWordsMostFrequentFirst) {
  // the x3, a x2, cat x2, dog x1, sat x1
  const WordCounts counts = counts_of({"the", "cat", "sat", "the", "a", "cat", "dog", "the", "a"});
  const WordVocabulary v1 = WordVocabulary::build(counts, {.min_count = 1});
  EXPECT_EQ(v1.words(), (Words{"<pad>", "<unk>", "the", "a", "cat", "dog", "sat"}));
  const WordVocabulary v2 = WordVocabulary::build(counts, {.min_count = 2});
  EXPECT_EQ(v2.words(), (Words{"<pad>", "<unk>", "the", "a", "cat"}));
  EXPECT_EQ(v2.id("the"), 2);
  EXPECT_EQ(v2.id("dog"), WordVocabulary::kUnknown);
  EXPECT_EQ(v2.id("never"), WordVocabulary::kUnknown);
  EXPECT_EQ(v2.id("<pad>"), WordVocabulary::kUnknown);  // the text "<pad>" is not padding
  EXPECT_EQ(v2.encode(Words{"a", "dog", "the"}), (std::vector<int64_t>{3, 1, 2}));
  const WordVocabulary v3 = WordVocabulary::build(counts, {.min_count = 1, .max_size = 4});
  EXPECT_EQ(v3.words(), (Words{"<pad>", "<unk>", "the", "a"}));
  EXPECT_THROW(WordVocabulary::build(counts, {.min_count = 0}), std::invalid_argument);
}

TEST(WordVocabulary, LowercaseMergesCountsAndAppliesAtLookup) {
  const WordCounts counts = counts_of({"The", "the", "Cat", "THE"});
  const WordVocabulary v = WordVocabulary::build(counts, {.min_count = 2, .lowercase = true});
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "the"}));  // cat: 1 < 2
  EXPECT_EQ(v.id("tHe"), 2);
  EXPECT_EQ(v.normalize("ThE"), "the");
}

TEST(WordVocabulary, JsonRoundTripAndValidation) {
  const WordVocabulary v = WordVocabulary::build(counts_of({"b", "a", "b"}), {.min_count = 1, .lowercase = true});
  const WordVocabulary back = WordVocabulary::from_json(v.to_json());
  EXPECT_EQ(back, v);
  EXPECT_TRUE(back.lowercase());
  EXPECT_EQ(back.id("A"), 3);
  nlohmann::json bad = v.to_json();
  bad["words"] = Words{"<unk>", "<pad>", "a"};
  EXPECT_THROW(WordVocabulary::from_json(bad), std::invalid_argument);
  bad["words"] = Words{"<pad>", "<unk>", "a", "a"};
  EXPECT_THROW(WordVocabulary::from_json(bad), std::invalid_argument);
  bad["words"] = Words{"<pad>", "<unk>", "A"};  // not lowercase in a lowercased vocabulary
  EXPECT_THROW(WordVocabulary::from_json(bad), std::invalid_argument);
}

TEST(LabelSet, SortedIdsAndJson) {
  const Words seen{"pos", "neg", "pos", "neutral"};
  const LabelSet labels = LabelSet::of(seen);
  EXPECT_EQ(labels.labels(), (Words{"neg", "neutral", "pos"}));
  EXPECT_EQ(labels.find("pos"), 2);
  EXPECT_EQ(labels.find("POS"), -1);
  EXPECT_EQ(LabelSet::from_json(labels.to_json()), labels);
  EXPECT_THROW(LabelSet(Words{"a", "a"}), std::invalid_argument);
  EXPECT_THROW(LabelSet(Words{"a", ""}), std::invalid_argument);
}

TEST(LabelSet, UnknownLabelIsAnErrorNamingFileAndLineOrCounted) {
  const LabelSet labels(Words{"0", "1"});
  EXPECT_EQ(labels.encode("1", "dev.tsv", 3, UnknownLabels::Error), 1);
  try {
    labels.encode("2", "dev.tsv", 7, UnknownLabels::Error);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line, 7);
    EXPECT_EQ(std::string(e.what()).rfind("dev.tsv:7: label '2' was not in the training data (known: 0 1)", 0), 0u)
        << e.what();
  }
  UnknownLabelTally tally;
  EXPECT_EQ(labels.encode("2", "dev.tsv", 7, UnknownLabels::Count, &tally), kIgnoredTarget);
  EXPECT_EQ(labels.encode("x", "dev.tsv", 8, UnknownLabels::Count, &tally), kIgnoredTarget);
  EXPECT_EQ(labels.encode("2", "dev.tsv", 9, UnknownLabels::Count, &tally), kIgnoredTarget);
  EXPECT_EQ(tally.count, 3);
  EXPECT_EQ(tally.summary(), "3 labels not seen in training: '2' (2), 'x' (1)");
}

}  // namespace
}  // namespace recur
