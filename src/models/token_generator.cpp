#include "recur/token_generator.h"

#include <stdexcept>
#include <string>

#include "recur/gemm.h"

namespace recur {

TokenGenerator::TokenGenerator(LanguageModel& model) : model_(model), stepper_(model.recurrent()) {
  const LanguageModelConfig& c = model.config();
  const int64_t V = c.vocab_size, GH = gate_count(c.cell) * c.hidden_size;
  input_table_.resize({V, GH});
  if (Embedding<float>* embedding = model.embedding()) {
    stepper_.project_input(embedding->parameters()[0]->value.data(), V, input_table_.data());
  } else {
    Tensor<float> identity({V, V});
    for (int64_t v = 0; v < V; ++v) identity[v * V + v] = 1.0f;
    stepper_.project_input(identity.data(), V, input_table_.data());
  }
  logits_.resize({V});
  reset();
}

void TokenGenerator::reset() { state_ = stepper_.initial_state(1); }

std::span<const float> TokenGenerator::feed(int64_t token) {
  const LanguageModelConfig& c = model_.config();
  if (token < 0 || token >= c.vocab_size)
    throw std::out_of_range("token id " + std::to_string(token) + " is outside the vocabulary of " +
                            std::to_string(c.vocab_size));
  const int64_t GH = gate_count(c.cell) * c.hidden_size;
  const float* h = stepper_.step_projected(input_table_.data() + token * GH, 1, state_);
  Linear<float>& decoder = model_.decoder();
  auto params = decoder.parameters();
  const float* weight = params[0]->value.data();
  const float* bias = params[1]->value.data();
  std::copy(bias, bias + c.vocab_size, logits_.data());
  gemm<float>(Transpose::No, Transpose::Yes, 1, c.vocab_size, c.hidden_size, 1.0f, h, c.hidden_size, weight,
              c.hidden_size, 1.0f, logits_.data(), c.vocab_size);
  return {logits_.data(), static_cast<size_t>(c.vocab_size)};
}

}  // namespace recur
