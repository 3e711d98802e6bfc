// Loss of a LanguageModel over a whole token sequence, for validation during
// training and for `recur eval`. The sequence is cut into parallel streams as
// in training (StreamBatcher) and the hidden state is carried across chunks,
// so every prediction but the first of each stream sees all its left context.
#pragma once

#include <cmath>
#include <span>

#include "recur/language_model.h"

namespace recur {

struct CharEvaluation {
  double total_nats = 0;  // summed negative log-likelihood
  int64_t count = 0;      // predictions scored
  int64_t streams = 0;    // parallel streams actually used
  double nats_per_char() const { return count > 0 ? total_nats / double(count) : 0.0; }
  double bits_per_char() const { return nats_per_char() / std::log(2.0); }
  double perplexity() const { return std::exp(nats_per_char()); }
};

// Scores tokens[1..] given the preceding ones, with at most `streams` parallel
// streams (fewer when the sequence is short, so each stream has at least
// `steps` tokens) of `steps`-step chunks. Throws std::invalid_argument for
// fewer than 2 tokens.
//
// With one stream every token is scored with all of its left context (count =
// N - 1) and the result does not depend on `steps`; with S streams the first
// token of each stream starts from a zero state and the last (N - 1) mod S
// tokens are not scored, as in training (StreamBatcher). The model runs in
// evaluation mode (no dropout); its parameters are not changed.
CharEvaluation evaluate_tokens(LanguageModel& model, std::span<const int64_t> tokens, int64_t streams,
                               int64_t steps);

}  // namespace recur
