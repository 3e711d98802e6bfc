#include "recur/sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "recur/option_error.h"

namespace recur {

void SamplingOptions::validate() const {
  if (!(temperature >= 0) || !std::isfinite(temperature))
    throw OptionError("temperature", "temperature must be >= 0, got " + std::to_string(temperature));
  if (top_k < 0) throw OptionError("top_k", "top_k must be >= 0, got " + std::to_string(top_k));
  if (!(top_p > 0 && top_p <= 1)) throw OptionError("top_p", "top_p must be in (0, 1], got " + std::to_string(top_p));
}

const std::vector<double>& TokenSampler::distribution(std::span<const float> logits) {
  const int64_t V = static_cast<int64_t>(logits.size());
  probabilities_.assign(V, 0.0);
  const bool greedy = options_.greedy || options_.temperature == 0.0;
  const int64_t best = std::max_element(logits.begin(), logits.end()) - logits.begin();
  if (greedy) {
    probabilities_[best] = 1.0;
    return probabilities_;
  }
  double sum = 0;
  for (int64_t v = 0; v < V; ++v) {
    probabilities_[v] = std::exp((double(logits[v]) - logits[best]) / options_.temperature);
    sum += probabilities_[v];
  }
  for (double& p : probabilities_) p /= sum;
  const bool limit_k = options_.top_k > 0 && options_.top_k < V;
  if (!limit_k && options_.top_p >= 1.0) return probabilities_;

  order_.resize(V);
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(),
                   [&](int64_t a, int64_t b) { return probabilities_[a] > probabilities_[b]; });
  int64_t keep = limit_k ? options_.top_k : V;
  double mass = 0;
  for (int64_t i = 0; i < keep; ++i) {
    mass += probabilities_[order_[i]];
    if (mass >= options_.top_p) {
      keep = i + 1;
      break;
    }
  }
  double kept = 0;
  for (int64_t i = 0; i < V; ++i) {
    if (i < keep) kept += probabilities_[order_[i]];
    else probabilities_[order_[i]] = 0.0;
  }
  for (double& p : probabilities_) p /= kept;
  return probabilities_;
}

int64_t TokenSampler::sample(std::span<const float> logits, Rng& rng) {
  const std::vector<double>& p = distribution(logits);
  double u = rng.uniform();
  int64_t last_nonzero = 0;
  for (int64_t v = 0; v < static_cast<int64_t>(p.size()); ++v) {
    if (p[v] <= 0) continue;
    last_nonzero = v;
    if (u < p[v]) return v;
    u -= p[v];
  }
  return last_nonzero;  // rounding left u just above the total
}

}  // namespace recur
