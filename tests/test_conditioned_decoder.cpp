// The conditioned decoder (caption and seq2seq) and attention in double
// precision: every parameter, the conditioning vector and the attended memory
// against central differences, for each cell, each way of conditioning and
// each attention; and step-by-step decoding equal to teacher forcing.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "gradient_check.h"
#include "recur/conditioned_decoder.h"

namespace recur {
namespace {

using testing::dot;
using testing::numeric_gradient;
using testing::random_tensor;
using testing::relative_error;

using DecoderCase = std::tuple<CellKind, Conditioning, AttentionKind>;

ConditionedDecoderConfig small_config(const DecoderCase& c) {
  ConditionedDecoderConfig config;
  config.vocab_size = 5;
  config.embedding = 3;
  config.condition_size = 4;
  config.cell = std::get<0>(c);
  config.hidden_size = 3;
  config.num_layers = 2;
  config.conditioning = std::get<1>(c);
  config.attention = std::get<2>(c);
  config.memory_size = config.attention == AttentionKind::None ? 0 : 5;
  return config;
}

class DecoderGradient : public ::testing::TestWithParam<DecoderCase> {};

TEST_P(DecoderGradient, MatchesCentralDifferences) {
  Rng rng(31);
  const ConditionedDecoderConfig config = small_config(GetParam());
  ConditionedDecoder<double> decoder(config, rng);
  // T = 3, B = 2; row 1 is one step shorter. The memory has S = 3, row 1 two valid steps.
  const std::vector<int64_t> inputs = {0, 1, 2, 3, 4, 0}, lengths = {3, 2}, memory_lengths = {3, 2};
  Tensor<double> condition = random_tensor<Rng>({2, 4}, rng);
  Tensor<double> memory_values = random_tensor<Rng>({3, 2, 5}, rng);
  const DecoderMemory<double> memory{config.attention == AttentionKind::None ? nullptr : &memory_values,
                                     memory_lengths};
  const Tensor<double> w = random_tensor<Rng>({6, 5}, rng);
  // Padding rows (t = 2, b = 1) carry no loss, as cross-entropy ignores them.
  Tensor<double> weights = w;
  for (int64_t v = 0; v < 5; ++v) weights[(2 * 2 + 1) * 5 + v] = 0;
  auto loss = [&] { return dot(decoder.forward(inputs, lengths, condition, memory, false, nullptr), weights); };
  loss();
  zero_grad(decoder.parameters());
  Tensor<double> grad_condition, grad_memory(memory_values.shape());
  decoder.backward(weights, grad_condition, &grad_memory);
  for (Parameter<double>* p : decoder.parameters())
    EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), 1e-6) << p->name;
  EXPECT_LT(relative_error(grad_condition, numeric_gradient(condition, loss)), 1e-6) << "condition";
  if (memory.values) {
    EXPECT_LT(relative_error(grad_memory, numeric_gradient(memory_values, loss)), 1e-6) << "memory";
    for (int64_t j = 0; j < 5; ++j) EXPECT_EQ(grad_memory[(2 * 2 + 1) * 5 + j], 0.0) << "padding of the memory";
  }
}

TEST_P(DecoderGradient, StepByStepEqualsTeacherForcing) {
  Rng rng(32);
  const ConditionedDecoderConfig config = small_config(GetParam());
  ConditionedDecoder<double> decoder(config, rng);
  const std::vector<int64_t> inputs = {0, 1, 2, 3, 4, 0}, lengths = {3, 3}, memory_lengths = {3, 2};
  const Tensor<double> condition = random_tensor<Rng>({2, 4}, rng);
  const Tensor<double> memory_values = random_tensor<Rng>({3, 2, 5}, rng);
  const DecoderMemory<double> memory{config.attention == AttentionKind::None ? nullptr : &memory_values,
                                     memory_lengths};
  const Tensor<double> forced = decoder.forward(inputs, lengths, condition, memory, false, nullptr);
  // Rows in the other order: sources map each row to its input.
  const std::vector<int64_t> sources = {1, 0};
  decoder.begin(condition, memory);
  RecurrentState<double> state = decoder.initial_state(sources);
  Tensor<double> logits;
  for (int64_t t = 0; t < 3; ++t) {
    const std::vector<int64_t> tokens = {inputs[t * 2 + 1], inputs[t * 2]};
    decoder.step(tokens, sources, state, logits);
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t v = 0; v < 5; ++v)
        EXPECT_NEAR(logits[r * 5 + v], forced[(t * 2 + sources[r]) * 5 + v], 1e-12) << t << " " << r << " " << v;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EachCellConditioningAttention, DecoderGradient,
    ::testing::Combine(::testing::Values(CellKind::RnnTanh, CellKind::Lstm, CellKind::Gru),
                       ::testing::Values(Conditioning::InitialState, Conditioning::EveryStep, Conditioning::Both),
                       ::testing::Values(AttentionKind::None, AttentionKind::Additive, AttentionKind::Dot)),
    [](const auto& info) {
      std::string name = cell_name(std::get<0>(info.param)) + "_" + conditioning_name(std::get<1>(info.param)) + "_" +
                         attention_name(std::get<2>(info.param));
      for (char& c : name)
        if (c == '-') c = '_';
      return name;
    });

}  // namespace
}  // namespace recur
