// Decoding a ConditionedDecoder: greedy, sampled (the language model's sampler:
// temperature, top-k, top-p) or beam search, for many inputs at once. Every
// live hypothesis is a row of one batch (an input's beams are rows side by
// side), so one decoder step serves all inputs and beams; finished rows leave
// the batch.
//
// A hypothesis ends at the end token or after max_length tokens (the end token
// counted; a hypothesis cut there has none). Scores are log-probabilities
// under the model; beam search ranks finished hypotheses by
//   score = log p / lp(length),  lp(n) = ((5 + n) / 6)^alpha   (Wu et al. 2016, GNMT)
// with alpha = length_penalty (0: plain log-probability). An input's search
// stops once it holds `beam` finished hypotheses and no live one can still
// beat the worst of them (log p only falls as a hypothesis grows, and lp is at
// most lp(max_length)), or nothing is live: with a beam as wide as the set of
// all sequences it returns the exact best one.
#pragma once

#include <optional>
#include <vector>

#include "recur/conditioned_decoder.h"
#include "recur/sampling.h"

namespace recur {

struct DecodingOptions {
  int64_t max_length = 50;
  int64_t beam = 1;            // > 1: beam search
  double length_penalty = 0;   // alpha, beam search only
  std::optional<SamplingOptions> sampling;  // set (and beam 1): sample instead of greedy
  std::vector<int64_t> banned;  // tokens never produced (padding, the begin token)

  // Throws OptionError naming the option.
  void validate() const;
};

struct Hypothesis {
  std::vector<int64_t> tokens;  // without begin and end tokens
  double log_probability = 0;
  double score = 0;      // log_probability / lp(length), as ranked
  bool finished = true;  // false: cut at max_length
};

// Decodes each of the N inputs of `condition` [N, C] (and memory, with
// attention), from begin_token. Returns per input its hypotheses, best first:
// one for greedy and sampled decoding, up to `beam` for beam search. `rng` is
// needed for sampling only.
template <typename T>
std::vector<std::vector<Hypothesis>> decode_sequences(ConditionedDecoder<T>& decoder, const Tensor<T>& condition,
                                                      const DecoderMemory<T>& memory, int64_t begin_token,
                                                      int64_t end_token, const DecodingOptions& options,
                                                      Rng* rng = nullptr);

// Beam search at any width, 1 included (decode_sequences decodes greedily at
// width 1; the two agree, which the tests check).
template <typename T>
std::vector<std::vector<Hypothesis>> beam_search_sequences(ConditionedDecoder<T>& decoder, const Tensor<T>& condition,
                                                           const DecoderMemory<T>& memory, int64_t begin_token,
                                                           int64_t end_token, const DecodingOptions& options);

double length_penalty(int64_t length, double alpha);

}  // namespace recur
