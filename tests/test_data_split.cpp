// Train / validation / test split: contiguous blocks, nanoGPT's boundary.
#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "recur/data_split.h"

namespace recur {
namespace {

TEST(DataSplit, DefaultIsNanoGptNinetyTen) {
  // tiny Shakespeare: 1115394 characters, int(n * 0.9) = 1003854.
  const SplitBoundaries b = split_boundaries(1115394, SplitFractions{});
  EXPECT_EQ(b.train_end, 1003854);
  EXPECT_EQ(b.validation_end, 1115394);
  EXPECT_EQ(b.total, 1115394);
}

TEST(DataSplit, ThreeContiguousBlocksInOrder) {
  std::vector<int> tokens(20);
  std::iota(tokens.begin(), tokens.end(), 0);
  const DataSplit<int> split = split_by_fraction<int>(tokens, SplitFractions{0.2, 0.1});
  EXPECT_EQ(split.train, std::vector<int>(tokens.begin(), tokens.begin() + 14));
  EXPECT_EQ(split.validation, std::vector<int>(tokens.begin() + 14, tokens.begin() + 18));
  EXPECT_EQ(split.test, std::vector<int>(tokens.begin() + 18, tokens.end()));
}

TEST(DataSplit, ZeroFractionsGiveEmptyParts) {
  std::vector<char32_t> text(10, U'a');
  const auto split = split_by_fraction<char32_t>(text, SplitFractions{0.0, 0.0});
  EXPECT_EQ(split.train.size(), 10u);
  EXPECT_TRUE(split.validation.empty());
  EXPECT_TRUE(split.test.empty());
}

TEST(DataSplit, RejectsBadFractionsAndTooShortText) {
  EXPECT_THROW(split_boundaries(100, SplitFractions{-0.1, 0}), std::invalid_argument);
  EXPECT_THROW(split_boundaries(100, SplitFractions{1.0, 0}), std::invalid_argument);
  EXPECT_THROW(split_boundaries(100, SplitFractions{0.6, 0.4}), std::invalid_argument);
  EXPECT_THROW(split_boundaries(5, SplitFractions{0.1, 0.1}), std::invalid_argument);  // validation would be empty
  EXPECT_THROW(split_boundaries(1, SplitFractions{0.1, 0}), std::invalid_argument);    // training would be empty
  EXPECT_THROW(split_boundaries(0, SplitFractions{0, 0}), std::invalid_argument);    // nothing to train on
}

}  // namespace
}  // namespace recur
