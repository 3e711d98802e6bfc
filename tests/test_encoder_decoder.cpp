// The seq2seq model as a whole in double precision: encoder (bidirectional,
// two layers), the joining of its final states into v, attention over its
// outputs and the decoder, every parameter against central differences.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gradient_check.h"
#include "recur/encoder_decoder.h"

namespace recur {
namespace {

using testing::dot;
using testing::numeric_gradient;
using testing::random_tensor;
using testing::relative_error;

class EncoderDecoderGradient : public ::testing::TestWithParam<AttentionKind> {};

TEST_P(EncoderDecoderGradient, MatchesCentralDifferences) {
  Rng rng(91);
  EncoderDecoderConfig config;
  config.encoder = EncoderConfig{.vocab_size = 6, .embedding = 3, .cell = CellKind::Lstm, .hidden_size = 3,
                                 .num_layers = 2, .bidirectional = true, .dropout = 0.0};
  ConditionedDecoderConfig& d = config.decoder;
  d.vocab_size = 5;
  d.embedding = 3;
  d.condition_size = 6;
  d.cell = CellKind::Gru;
  d.hidden_size = 4;
  d.conditioning = Conditioning::Both;
  d.attention = GetParam();
  d.memory_size = GetParam() == AttentionKind::None ? 0 : 6;
  EncoderDecoder<double> model(config, rng);
  // Sharper attention than the initialisation gives, so that its parameters' gradients are
  // large enough (not ~1e-5) for central differences to resolve them to 1e-6.
  for (Parameter<double>* p : model.parameters())
    if (p->name.find("attention") != std::string::npos)
      for (int64_t i = 0; i < p->value.numel(); ++i) p->value[i] *= 4;
  // B = 2: sources of 3 and 2 tokens, targets (with the begin token) of 3 and 2 steps.
  EncoderDecoderBatch batch;
  batch.batch = 2;
  batch.source_ids = {2, 3, 4, 5, 1, 0};
  batch.source_lengths = {3, 2};
  batch.target_inputs = {0, 0, 2, 3, 4, 0};
  batch.target_lengths = {3, 2};
  Tensor<double> weights = random_tensor<Rng>({6, 5}, rng);
  for (int64_t v = 0; v < 5; ++v) weights[(2 * 2 + 1) * 5 + v] = 0;  // padding carries no loss
  auto loss = [&] { return dot(model.forward(batch, false, nullptr), weights); };
  loss();
  zero_grad(model.parameters());
  model.backward(weights);
  for (Parameter<double>* p : model.parameters())
    EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), 1e-6) << p->name;
}

INSTANTIATE_TEST_SUITE_P(EachAttention, EncoderDecoderGradient,
                         ::testing::Values(AttentionKind::None, AttentionKind::Additive, AttentionKind::Dot),
                         [](const auto& info) { return attention_name(info.param); });

}  // namespace
}  // namespace recur
