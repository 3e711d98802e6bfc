#include "recur/generation_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace recur {

int64_t edit_distance(std::span<const int64_t> a, std::span<const int64_t> b) {
  std::vector<int64_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int64_t diagonal = row[0];
    row[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int64_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

namespace {
using Ngram = std::vector<int64_t>;
std::map<Ngram, int64_t> ngram_counts(std::span<const int64_t> tokens, size_t n) {
  std::map<Ngram, int64_t> counts;
  for (size_t i = 0; i + n <= tokens.size(); ++i) ++counts[Ngram(tokens.begin() + i, tokens.begin() + i + n)];
  return counts;
}
}  // namespace

ClosestReference closest_reference(std::span<const int64_t> output, const std::vector<std::vector<int64_t>>& references) {
  if (references.empty()) throw std::invalid_argument("an output to score needs at least one reference");
  ClosestReference best{0, edit_distance(output, references[0])};
  for (size_t r = 1; r < references.size(); ++r) {
    const int64_t d = edit_distance(output, references[r]);
    if (d < best.distance) best = {static_cast<int64_t>(r), d};
  }
  return best;
}

void GenerationScores::add(std::span<const int64_t> output, const std::vector<std::vector<int64_t>>& references) {
  const ClosestReference best = closest_reference(output, references);
  ++outputs_;
  const std::vector<int64_t>& closest = references[static_cast<size_t>(best.index)];
  exact_ += best.distance == 0;
  edits_ += best.distance;
  reference_tokens_ += static_cast<int64_t>(closest.size());
  for (size_t i = 0; i < std::min(output.size(), closest.size()); ++i) position_matches_ += output[i] == closest[i];
  // BLEU: clipped n-gram counts; the reference length closest to the output's.
  const int64_t c = static_cast<int64_t>(output.size());
  int64_t r_best = -1;
  for (const auto& reference : references) {
    const int64_t r = static_cast<int64_t>(reference.size());
    if (r_best < 0 || std::abs(r - c) < std::abs(r_best - c) || (std::abs(r - c) == std::abs(r_best - c) && r < r_best))
      r_best = r;
  }
  output_length_ += c;
  bleu_reference_length_ += r_best;
  for (size_t n = 1; n <= 4; ++n) {
    std::map<Ngram, int64_t> most;
    for (const auto& reference : references)
      for (const auto& [gram, count] : ngram_counts(reference, n)) most[gram] = std::max(most[gram], count);
    for (const auto& [gram, count] : ngram_counts(output, n)) {
      const auto it = most.find(gram);
      matched_[n - 1] += std::min(count, it == most.end() ? int64_t{0} : it->second);
      total_[n - 1] += count;
    }
  }
}

double GenerationScores::exact_match() const { return outputs_ ? double(exact_) / double(outputs_) : 0.0; }
double GenerationScores::token_error_rate() const {
  return reference_tokens_ ? double(edits_) / double(reference_tokens_) : 0.0;
}
double GenerationScores::token_accuracy() const {
  return reference_tokens_ ? double(position_matches_) / double(reference_tokens_) : 0.0;
}

double GenerationScores::bleu() const {
  double log_sum = 0;
  for (size_t n = 0; n < 4; ++n) {
    if (matched_[n] == 0 || total_[n] == 0) return 0.0;
    log_sum += std::log(double(matched_[n]) / double(total_[n]));
  }
  const double brevity =
      output_length_ < bleu_reference_length_ ? 1.0 - double(bleu_reference_length_) / double(output_length_) : 0.0;
  return std::exp(log_sum / 4 + brevity);
}

nlohmann::json GenerationScores::to_json() const {
  return {{"outputs", outputs_},
          {"exact_match", exact_match()},
          {"token_error_rate", token_error_rate()},
          {"token_accuracy", token_accuracy()},
          {"bleu", bleu()},
          {"edits", edits_},
          {"reference_tokens", reference_tokens_}};
}

}  // namespace recur
