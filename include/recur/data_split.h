// Train / validation / test split by fractions, as contiguous blocks in that
// order: train is the first (1 - validation - test) of the sequence, then
// validation, then test. With the defaults (0.1, 0) this is nanoGPT's split of
// tiny Shakespeare (`n = int(0.9 * len(data))`), so losses compare with its.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recur {

struct SplitFractions {
  double validation = 0.1;
  double test = 0.0;

  // Each in [0, 1) and validation + test < 1; throws std::invalid_argument.
  void validate() const;
};

// Element indices where the parts end: train [0, train_end),
// validation [train_end, validation_end), test [validation_end, total).
struct SplitBoundaries {
  int64_t train_end = 0;
  int64_t validation_end = 0;
  int64_t total = 0;
};

// Throws std::invalid_argument if a part with a non-zero fraction would be
// empty (the text is too short for the split).
SplitBoundaries split_boundaries(int64_t total, const SplitFractions& fractions);

template <typename Token>
struct DataSplit {
  std::vector<Token> train, validation, test;
};

template <typename Token>
DataSplit<Token> split_by_fraction(std::span<const Token> sequence, const SplitFractions& fractions) {
  const SplitBoundaries b = split_boundaries(static_cast<int64_t>(sequence.size()), fractions);
  const auto at = [&](int64_t i) { return sequence.begin() + i; };
  return {{at(0), at(b.train_end)}, {at(b.train_end), at(b.validation_end)}, {at(b.validation_end), at(b.total)}};
}

}  // namespace recur
