// TokenGenerator: the batch-1 fast path for generation from a LanguageModel.
// One token in, the next token's logits out. Layer 0's input projection of
// every vocabulary entry is computed once (an embedding lookup followed by
// W_ih is a lookup in a [V, G*H] table), so a step costs the recurrent
// products, the pointwise kernels and the decoder — no training workspaces.
#pragma once

#include <span>

#include "recur/language_model.h"
#include "recur/recurrent_stepper.h"

namespace recur {

class TokenGenerator {
 public:
  // Reads the model's current weights; build a new generator after training steps.
  explicit TokenGenerator(LanguageModel& model);

  void reset();  // zero hidden state
  RecurrentState<float>& state() { return state_; }
  // Advances the state by one token and returns the logits of the next [V].
  std::span<const float> feed(int64_t token);

 private:
  LanguageModel& model_;
  RecurrentStepper<float> stepper_;
  Tensor<float> input_table_;  // [V, G*H]
  Tensor<float> logits_;
  RecurrentState<float> state_;
};

}  // namespace recur
