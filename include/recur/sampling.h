// Choosing the next token from logits: temperature, top-k, top-p (nucleus), greedy.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recur/rng.h"

namespace recur {

struct SamplingOptions {
  double temperature = 1.0;  // 0 means greedy
  int64_t top_k = 0;         // 0: no limit
  double top_p = 1.0;        // keep the smallest set of tokens whose probability reaches top_p
  bool greedy = false;

  // Throws OptionError naming the option that is out of range.
  void validate() const;
};

class TokenSampler {
 public:
  explicit TokenSampler(SamplingOptions options) : options_(options) { options_.validate(); }
  // Draws one token id. Ties in greedy mode go to the lowest id.
  int64_t sample(std::span<const float> logits, Rng& rng);
  // The distribution sample() draws from (after temperature, top-k and top-p),
  // for tests and for evaluation; zero outside the kept set.
  const std::vector<double>& distribution(std::span<const float> logits);

 private:
  SamplingOptions options_;
  std::vector<double> probabilities_;
  std::vector<int64_t> order_;
};

}  // namespace recur
