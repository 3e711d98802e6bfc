// align_tokens: the steps of a fewest-edit alignment, checked against the
// edit distance (a separate one-row computation) on random pairs, for
// coverage of both sequences in order, and on pairs worked out by hand; and
// marked_output, the report's rendering of those steps.
#include "recur/token_alignment.h"

#include <gtest/gtest.h>

#include <random>

#include "recur/generation_metrics.h"
#include "report/marked_tokens.h"

namespace recur {
namespace {

using Tokens = std::vector<int64_t>;

std::string steps_text(const std::vector<AlignedToken>& steps) {
  std::string out;
  for (const AlignedToken& a : steps) out += "MSID"[static_cast<int>(a.step)];
  return out;
}

TEST(TokenAlignment, KittenToSitting) {
  // kitten -> sitting: k/s substituted, e/i substituted, g missing at the end.
  const Tokens kitten = {1, 2, 3, 3, 4, 5}, sitting = {6, 2, 3, 3, 2, 5, 7};
  const auto steps = align_tokens(kitten, sitting);
  EXPECT_EQ(steps_text(steps), "SMMMSMD");
  EXPECT_EQ(steps.back().reference, 6);
  EXPECT_EQ(steps.back().output, -1);
  EXPECT_EQ(alignment_edits(steps), 3);
  // The other way round the missing token is an extra one.
  EXPECT_EQ(steps_text(align_tokens(sitting, kitten)), "SMMMSMI");
  EXPECT_EQ(steps_text(align_tokens({}, Tokens{4, 5})), "DD");
  EXPECT_EQ(steps_text(align_tokens(Tokens{4, 5}, {})), "II");
  EXPECT_TRUE(align_tokens({}, {}).empty());
  // Of equal alignments, the one with the earliest matches: the repeat is the extra token.
  EXPECT_EQ(steps_text(align_tokens(Tokens{1, 2, 3, 3}, Tokens{1, 2, 3})), "MMMI");
  EXPECT_EQ(steps_text(align_tokens(Tokens{1, 2, 3}, Tokens{1, 2, 3, 3})), "MMMD");
  // Fewer substitutions first: 1 9 2 against 1 2 3 is an extra 9 and a missing 3.
  EXPECT_EQ(steps_text(align_tokens(Tokens{1, 9, 2}, Tokens{1, 2, 3})), "MIMD");
}

TEST(TokenAlignment, RandomPairsCostTheEditDistanceAndCoverBothInOrder) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    auto random_tokens = [&] {
      Tokens t(rng() % 9);
      for (int64_t& id : t) id = static_cast<int64_t>(rng() % 3);
      return t;
    };
    const Tokens output = random_tokens(), reference = random_tokens();
    const auto steps = align_tokens(output, reference);
    EXPECT_EQ(alignment_edits(steps), edit_distance(output, reference));
    int64_t next_output = 0, next_reference = 0;
    for (const AlignedToken& a : steps) {
      if (a.step != AlignmentStep::Delete) { EXPECT_EQ(a.output, next_output++); }
      else EXPECT_EQ(a.output, -1);
      if (a.step != AlignmentStep::Insert) { EXPECT_EQ(a.reference, next_reference++); }
      else EXPECT_EQ(a.reference, -1);
      if (a.step == AlignmentStep::Match) { EXPECT_EQ(output[a.output], reference[a.reference]); }
      if (a.step == AlignmentStep::Substitute) { EXPECT_NE(output[a.output], reference[a.reference]); }
    }
    EXPECT_EQ(next_output, static_cast<int64_t>(output.size()));
    EXPECT_EQ(next_reference, static_cast<int64_t>(reference.size()));
  }
}

TEST(ClosestReference, NearestByEditDistanceTiesToTheFirst) {
  const Tokens output = {1, 2, 3};
  EXPECT_EQ(closest_reference(output, {{1, 2}, {1, 2, 3, 4}, {1, 2, 3}}).index, 2);
  const ClosestReference tie = closest_reference(output, {{9, 2, 3}, {1, 2}});
  EXPECT_EQ(tie.index, 0);
  EXPECT_EQ(tie.distance, 1);
  EXPECT_THROW(closest_reference(output, {}), std::invalid_argument);
}

TEST(MarkedOutput, WordsCarryTheirMarksAndMissingWordsShowStruckThrough) {
  const std::vector<std::string> words = {"<pad>", "<unk>", "A1", "B1", "C1", "X1"};
  // Output A1 X1 B1 against A1 B1 C1: X1 extra, C1 missing.
  HtmlCell cell = marked_output(Tokens{2, 5, 3}, Tokens{2, 3, 4}, words, TokenUnit::Words);
  ASSERT_EQ(cell.runs.size(), 4u);
  EXPECT_EQ(cell.runs[0].text, "A1 ");
  EXPECT_EQ(cell.runs[1].text, "X1");
  EXPECT_EQ(cell.runs[1].mark, "ins");
  EXPECT_EQ(cell.runs[2].text, " B1 ");
  EXPECT_EQ(cell.runs[3].text, "C1");
  EXPECT_EQ(cell.runs[3].mark, "del");
  // Two wrong words in a row are one marked stretch, space included.
  cell = marked_output(Tokens{5, 5, 4}, Tokens{2, 3, 4}, words, TokenUnit::Words);
  ASSERT_GE(cell.runs.size(), 1u);
  EXPECT_EQ(cell.runs[0].text, "X1 X1");
  EXPECT_EQ(cell.runs[0].mark, "sub");
}

TEST(MarkedOutput, AMarkedSpaceCharacterStaysVisible) {
  const std::vector<std::string> chars = {"<pad>", "<unk>", "a", " ", "b"};
  const HtmlCell cell = marked_output(Tokens{2, 3, 4}, Tokens{2, 4}, chars, TokenUnit::Chars);
  ASSERT_EQ(cell.runs.size(), 3u);
  EXPECT_EQ(cell.runs[0].text, "a");
  EXPECT_EQ(cell.runs[1].text, "\u2423");
  EXPECT_EQ(cell.runs[1].mark, "ins");
  EXPECT_EQ(cell.runs[2].text, "b");
}

}  // namespace
}  // namespace recur
