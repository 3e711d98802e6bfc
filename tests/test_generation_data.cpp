// The readers of `recur seq2seq` (TSV pairs) and `recur caption` (JSONL), with
// every bad input of the issue as one line naming file and line; and the
// generation scores against values computed by hand from their definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "expect_input_error.h"
#include "recur/caption_jsonl.h"
#include "recur/generation_metrics.h"
#include "recur/paired_text.h"

namespace recur {
namespace {

const PairedTextOptions kCharToWord{TokenUnit::Chars, TokenUnit::Words, true};

TEST(PairedText, ReadsCharactersAndWords) {
  const PairedText t = parse_paired_text("abbey\tAE1 B IY0\n\nné e\tN EY1\n", "g.tsv", kCharToWord);
  ASSERT_EQ(t.pairs.size(), 2u);
  EXPECT_EQ(t.pairs[0].source, (std::vector<std::string>{"a", "b", "b", "e", "y"}));
  EXPECT_EQ(t.pairs[0].target, (std::vector<std::string>{"AE1", "B", "IY0"}));
  EXPECT_EQ(t.pairs[1].source, (std::vector<std::string>{"n", "é", " ", "e"}));
  EXPECT_EQ(t.pairs[1].line, 3);
  EXPECT_EQ(join_tokens(t.pairs[1].source, TokenUnit::Chars), "né e");
  EXPECT_EQ(join_tokens(t.pairs[0].target, TokenUnit::Words), "AE1 B IY0");
}

TEST(PairedText, BadLinesNameFileAndLine) {
  EXPECT_INPUT_ERROR(parse_paired_text("ab\tA B\nabc A B C\n", "g.tsv", kCharToWord), "g.tsv:2: no tab");
  EXPECT_INPUT_ERROR(parse_paired_text("ab\tA B\n\tA\n", "g.tsv", kCharToWord), "g.tsv:2:1: empty source");
  EXPECT_INPUT_ERROR(parse_paired_text("ab\t  \n", "g.tsv", kCharToWord), "g.tsv:1:4: empty target");
  EXPECT_INPUT_ERROR(parse_paired_text("ab\tA\tB\n", "g.tsv", kCharToWord), "g.tsv:1:5: a second tab");
  EXPECT_INPUT_ERROR(parse_paired_text("a\xff\tA\n", "g.tsv", kCharToWord), "g.tsv:1:2: invalid UTF-8");
  EXPECT_INPUT_ERROR(parse_paired_text("", "g.tsv", kCharToWord), "g.tsv: file is empty");
  // Translation input: the source alone, text after a tab ignored.
  const PairedText input = parse_paired_text("abc\nde\tD\n", "in.txt", {TokenUnit::Chars, TokenUnit::Words, false});
  ASSERT_EQ(input.pairs.size(), 2u);
  EXPECT_EQ(input.pairs[1].source, (std::vector<std::string>{"d", "e"}));
  EXPECT_TRUE(input.pairs[1].target.empty());
}

TEST(CaptionJsonl, ReadsVectorsAndOneOrSeveralTexts) {
  const CaptionData d = parse_caption_jsonl(
      "{\"vector\": [1, 2.5], \"text\": \"seven\"}\n\n{\"vector\": [0, -1e3], \"text\": [\"a one\", \"one\"]}\n",
      "c.jsonl", {});
  EXPECT_EQ(d.width, 2);
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_EQ(d.examples[0].vector, (std::vector<double>{1, 2.5}));
  EXPECT_EQ(d.examples[1].texts, (std::vector<std::string>{"a one", "one"}));
  EXPECT_EQ(d.examples[1].line, 3);
}

TEST(CaptionJsonl, BadLinesNameFileAndLine) {
  const std::string good = "{\"vector\": [1, 2], \"text\": \"a\"}\n";
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [1, 2], \"text\": \"a\"\n", "c.jsonl", {}),
                     "c.jsonl:2: not JSON");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "[1, 2]\n", "c.jsonl", {}), "c.jsonl:2: not a JSON object");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [1, 2, 3], \"text\": \"a\"}\n", "c.jsonl", {}),
                     "c.jsonl:2: a vector of width 3, expected 2");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [1, \"x\"], \"text\": \"a\"}\n", "c.jsonl", {}),
                     "c.jsonl:2: \"vector\" entry 1 is not a finite number");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [1, 2]}\n", "c.jsonl", {}), "c.jsonl:2: missing \"text\"");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [1, 2], \"text\": \"\"}\n", "c.jsonl", {}),
                     "c.jsonl:2: empty \"text\"");
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good + "{\"vector\": [], \"text\": \"a\"}\n", "c.jsonl", {}),
                     "c.jsonl:2: \"vector\" must be");
  // The model's width, when given, rules from the first line on.
  EXPECT_INPUT_ERROR(parse_caption_jsonl(good, "c.jsonl", {.texts_required = true, .width = 3}),
                     "c.jsonl:1: a vector of width 2, expected 3");
  // Generation input may leave the text out.
  EXPECT_EQ(parse_caption_jsonl("{\"vector\": [1, 2]}\n", "c.jsonl", {.texts_required = false}).examples.size(), 1u);
}

TEST(GenerationScores, EditDistanceAndRates) {
  const std::vector<int64_t> kitten = {1, 2, 3, 3, 4, 5}, sitting = {6, 2, 3, 3, 2, 5, 7};
  EXPECT_EQ(edit_distance(kitten, sitting), 3);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance({}, sitting), 7);
  GenerationScores s;
  s.add(kitten, {sitting});
  s.add(sitting, {kitten, sitting});  // the closest reference: exact
  EXPECT_EQ(s.exact(), 1);
  EXPECT_DOUBLE_EQ(s.exact_match(), 0.5);
  EXPECT_DOUBLE_EQ(s.token_error_rate(), 3.0 / 14.0);
  // Same-position matches: 4 of the 7 of sitting for kitten (positions 1, 2, 3, 5), all 7 for sitting.
  EXPECT_DOUBLE_EQ(s.token_accuracy(), (4.0 + 7.0) / 14.0);
}

TEST(GenerationScores, BleuByHand) {
  // Output "the the cat sat on mat" (6), reference "the cat sat on the mat" (6).
  // Clipped matches: 1-grams 6/6; 2-grams the-cat, cat-sat, sat-on = 3/5; 3-grams
  // the-cat-sat, cat-sat-on = 2/4; 4-grams the-cat-sat-on = 1/3; no brevity penalty.
  const std::vector<int64_t> output = {1, 1, 2, 3, 4, 5}, reference = {1, 2, 3, 4, 1, 5};
  GenerationScores s;
  s.add(output, {reference});
  EXPECT_NEAR(s.bleu(), std::pow(1.0 * 0.6 * 0.5 * (1.0 / 3.0), 0.25), 1e-12);
  // A short output pays exp(1 - r/c) with r the closest reference length.
  GenerationScores shorter;
  shorter.add(std::vector<int64_t>{1, 2, 3, 4}, {reference, std::vector<int64_t>{1, 2, 3, 4, 5, 5, 5, 5}});
  EXPECT_NEAR(shorter.bleu(), std::exp(1.0 - 6.0 / 4.0), 1e-12);
}

}  // namespace
}  // namespace recur
