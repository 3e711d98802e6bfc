// Character ids of words for the character-level word encoder.
#include <gtest/gtest.h>

#include "recur/word_characters.h"

namespace recur {
namespace {

using Words = std::vector<std::string>;

WordCharacters characters_of(const Words& words, bool lowercase) {
  WordCounts counts;
  counts.add(words);
  return WordCharacters::build(counts, lowercase);
}

TEST(WordCharacters, IdsInCodePointOrderAfterPadAndUnknown) {
  // Characters: a b c é -> ids 2 3 4 5
  const WordCharacters chars = characters_of({"cab", "\xC3\xA9"}, false);
  EXPECT_EQ(chars.size(), 6);
  EXPECT_EQ(chars.encode("abc"), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(chars.encode("b\xC3\xA9z"), (std::vector<int64_t>{3, 5, WordCharacters::kUnknown}));
  EXPECT_EQ(chars.encode("A"), (std::vector<int64_t>{WordCharacters::kUnknown}));
  EXPECT_EQ(chars.encode("a\xFF" "b"), (std::vector<int64_t>{2, WordCharacters::kUnknown, 3}));  // invalid byte
  EXPECT_EQ(chars.encode("abcabc", 4), (std::vector<int64_t>{2, 3, 4, 2}));
  const WordCharacters lower = characters_of({"CaB"}, true);
  EXPECT_EQ(lower.encode("ABC"), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(WordCharacters::from_json(lower.to_json()), lower);
  EXPECT_TRUE(WordCharacters::from_json(lower.to_json()).lowercase());
}

TEST(WordCharacters, BatchOfDistinctWordsLongestFirst) {
  const WordCharacters chars = characters_of({"the", "cat", "a", "sat"}, false);
  // Example 0: "the cat sat", example 1: "a cat"; rows longest first.
  const std::vector<Words> sentences{{"the", "cat", "sat"}, {"a", "cat"}};
  const std::vector<int64_t> lengths{3, 2};
  const std::vector<int64_t> examples{1, 0};
  const BatchLayout layout = layout_batch(examples, lengths);  // rows: 0, 1
  const CharBatch batch =
      chars.batch(layout, [&](int64_t e) { return std::span<const std::string>(sentences[static_cast<size_t>(e)]); });
  EXPECT_EQ(batch.words, 4);  // the cat a sat
  EXPECT_EQ(batch.max_length, 3);
  EXPECT_EQ(batch.lengths, (std::vector<int64_t>{3, 3, 3, 1}));
  ASSERT_EQ(batch.word_of_position.size(), 6u);
  EXPECT_EQ(batch.word_of_position[5], -1);  // (t = 2, row 1): padding
  // Every position's characters, read back from the [L, U] layout, spell its word.
  const std::string symbols = "acehst";  // the training characters, ids 2..
  for (int64_t t = 0; t < layout.steps; ++t)
    for (int64_t r = 0; r < layout.batch; ++r) {
      const int64_t u = batch.word_of_position[static_cast<size_t>(t * layout.batch + r)];
      if (t >= layout.lengths[r]) continue;
      std::string spelled;
      for (int64_t c = 0; c < batch.lengths[u]; ++c) spelled += symbols[batch.chars[c * batch.words + u] - 2];
      for (int64_t c = batch.lengths[u]; c < batch.max_length; ++c) EXPECT_EQ(batch.chars[c * batch.words + u], 0);
      EXPECT_EQ(spelled, sentences[static_cast<size_t>(layout.examples[r])][static_cast<size_t>(t)]);
    }
}

}  // namespace
}  // namespace recur
