// The batch-1 generation path (TokenGenerator) must score a text exactly as the
// training forward of the same LanguageModel does — for a model whose
// parameters carry the model's prefixes ("rnn.weight_ih_l0"), as every model
// that `recur train` saves does.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "recur/token_generator.h"

namespace recur {
namespace {

struct GeneratorCase {
  CellKind cell;
  int64_t embedding_size;
};

class TokenGeneratorMatchesForward : public ::testing::TestWithParam<GeneratorCase> {};

TEST_P(TokenGeneratorMatchesForward, SameLossOverASequence) {
  const GeneratorCase c = GetParam();
  const int64_t V = 11, T = 17;
  Rng rng(5);
  LanguageModel model({.cell = c.cell, .vocab_size = V, .embedding_size = c.embedding_size, .hidden_size = 9,
                       .num_layers = 2},
                      rng);
  std::vector<int64_t> tokens(T + 1);
  for (int64_t& t : tokens) t = static_cast<int64_t>(rng.below(V));
  const std::span<const int64_t> inputs(tokens.data(), T), targets(tokens.data() + 1, T);

  RecurrentState<float> state;
  const double forward_loss = model.forward(inputs, targets, T, 1, state, /*training=*/false, nullptr).loss;

  TokenGenerator generator(model);
  double generator_loss = 0;
  for (int64_t t = 0; t < T; ++t) {
    const std::span<const float> logits = generator.feed(inputs[t]);
    double max_logit = logits[0], sum = 0;
    for (float l : logits) max_logit = std::max(max_logit, double(l));
    for (float l : logits) sum += std::exp(double(l) - max_logit);
    generator_loss += std::log(sum) + max_logit - logits[targets[t]];
  }
  EXPECT_NEAR(generator_loss / T, forward_loss, 1e-5);
  for (int64_t i = 0; i < state.h.numel(); ++i) EXPECT_NEAR(generator.state().h[i], state.h[i], 1e-5);
}

INSTANTIATE_TEST_SUITE_P(CellsAndInputs, TokenGeneratorMatchesForward,
                         ::testing::Values(GeneratorCase{CellKind::Lstm, 4}, GeneratorCase{CellKind::Lstm, 0},
                                           GeneratorCase{CellKind::Gru, 4}, GeneratorCase{CellKind::RnnTanh, 0}));

}  // namespace
}  // namespace recur
