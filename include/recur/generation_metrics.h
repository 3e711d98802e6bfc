// Scores of generated token sequences against references, for `recur seq2seq
// eval` and `recur caption eval`:
//   exact_match        the fraction of outputs equal to one of their references
//   token_error_rate   sum of edit distances (Levenshtein over tokens) to the
//                      closest reference / sum of those references' lengths:
//                      phoneme error rate for grapheme-to-phoneme
//   token_accuracy     the fraction of reference positions (of the closest
//                      reference) whose token the output has at the same position
//   bleu               corpus BLEU-4 (Papineni et al. 2002): the geometric mean of
//                      the clipped 1- to 4-gram precisions over the corpus, times
//                      the brevity penalty exp(1 - r/c) when the output length c is
//                      below r, the sum of the references' lengths closest to each
//                      output's (ties to the shorter); 0 when a precision is 0
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace recur {

int64_t edit_distance(std::span<const int64_t> a, std::span<const int64_t> b);

// The reference nearest `output` by edit distance (ties to the first): the
// one the error rates count against, and the one `recur report` marks errors by.
struct ClosestReference {
  int64_t index = 0;
  int64_t distance = 0;
};
// Throws std::invalid_argument for no reference.
ClosestReference closest_reference(std::span<const int64_t> output, const std::vector<std::vector<int64_t>>& references);

class GenerationScores {
 public:
  // Adds one output with its references (at least one).
  void add(std::span<const int64_t> output, const std::vector<std::vector<int64_t>>& references);

  int64_t outputs() const { return outputs_; }
  int64_t exact() const { return exact_; }
  int64_t edits() const { return edits_; }
  int64_t reference_tokens() const { return reference_tokens_; }
  double exact_match() const;
  double token_error_rate() const;
  double token_accuracy() const;
  double bleu() const;
  nlohmann::json to_json() const;

 private:
  int64_t outputs_ = 0, exact_ = 0, edits_ = 0, reference_tokens_ = 0, position_matches_ = 0;
  std::array<int64_t, 4> matched_{}, total_{};
  int64_t output_length_ = 0, bleu_reference_length_ = 0;
};

}  // namespace recur
