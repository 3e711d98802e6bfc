// Gradient checks of the recurrent stack: every parameter, the input, h0 and c0,
// against central differences in double precision, for every cell, stacked and
// bidirectional, equal and variable lengths, with and without dropout. The loss
// is a random linear function of output, hn and cn, so the upstream gradients
// on all three are exercised at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gradient_check.h"
#include "recur/recurrent.h"

namespace recur {
namespace {

using testing::dot;
using testing::numeric_gradient;
using testing::random_tensor;
using testing::relative_error;

constexpr double kTolerance = 1e-6;

struct Config {
  CellKind cell;
  GruReset gru_reset;
  int64_t layers;
  bool bidirectional;
  bool variable_lengths;
  double dropout;
  bool bias;
};

std::string config_name(const ::testing::TestParamInfo<Config>& info) {
  const Config& c = info.param;
  std::string name = cell_name(c.cell);
  if (c.cell == CellKind::Gru && c.gru_reset == GruReset::BeforeProduct) name += "_reset_before";
  name += "_L" + std::to_string(c.layers) + (c.bidirectional ? "_bi" : "_uni");
  name += c.variable_lengths ? "_varlen" : "_equal";
  if (c.dropout > 0) name += "_dropout";
  if (!c.bias) name += "_nobias";
  return name;
}

class RecurrentGradient : public ::testing::TestWithParam<Config> {};

TEST_P(RecurrentGradient, MatchesCentralDifferences) {
  const Config c = GetParam();
  // MUT1 and MUT2 add their input to a hidden-sized vector: I = H for them.
  const int64_t T = 4, B = 3, H = 4, I = cell_info(c.cell).input_width_is_hidden ? H : 3;
  RecurrentOptions options{.cell = c.cell, .input_size = I, .hidden_size = H, .num_layers = c.layers,
                           .bias = c.bias, .bidirectional = c.bidirectional, .dropout = c.dropout,
                           .gru_reset = c.gru_reset};
  Rng rng(42);
  Recurrent<double> layer(options, rng);
  const int64_t D = options.directions();
  const bool lstm = c.cell == CellKind::Lstm;
  Tensor<double> input = random_tensor<Rng>({T, B, I}, rng);
  RecurrentState<double> initial{random_tensor<Rng>({c.layers * D, B, H}, rng),
                                 lstm ? random_tensor<Rng>({c.layers * D, B, H}, rng) : Tensor<double>()};
  std::vector<int64_t> lengths;
  if (c.variable_lengths) lengths = {T, 2, 1};
  const Tensor<double> weight_output = random_tensor<Rng>({T, B, D * H}, rng);
  const RecurrentState<double> weight_final{random_tensor<Rng>({c.layers * D, B, H}, rng),
                                            lstm ? random_tensor<Rng>({c.layers * D, B, H}, rng) : Tensor<double>()};

  Tensor<double> output;
  RecurrentState<double> final;
  // Dropout masks are drawn from a generator re-seeded on every evaluation, so
  // every perturbed forward pass sees the same mask.
  auto loss = [&] {
    Rng dropout_rng(7);
    layer.forward(input, initial, lengths, output, final, /*training=*/true, &dropout_rng);
    double value = dot(output, weight_output) + dot(final.h, weight_final.h);
    if (lstm) value += dot(final.c, weight_final.c);
    return value;
  };

  loss();
  if (c.variable_lengths) {
    // Packed semantics: no output past a sequence's end.
    for (int64_t t = 0; t < T; ++t)
      for (int64_t b = 0; b < B; ++b) {
        if (t < lengths[b]) continue;
        for (int64_t j = 0; j < D * H; ++j) ASSERT_EQ(output[(t * B + b) * D * H + j], 0.0);
      }
  }
  Tensor<double> grad_input;
  RecurrentState<double> grad_initial;
  zero_grad(layer.parameters());
  layer.backward(weight_output, weight_final, grad_input, grad_initial);

  EXPECT_LT(relative_error(grad_input, numeric_gradient(input, loss)), kTolerance) << "input";
  EXPECT_LT(relative_error(grad_initial.h, numeric_gradient(initial.h, loss)), kTolerance) << "h0";
  if (lstm) {
    EXPECT_LT(relative_error(grad_initial.c, numeric_gradient(initial.c, loss)), kTolerance) << "c0";
  }
  for (Parameter<double>* p : layer.parameters())
    EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), kTolerance) << p->name;
}

std::vector<Config> all_configs() {
  std::vector<Config> configs;
  const std::vector<std::pair<CellKind, GruReset>> cells = {
      {CellKind::RnnTanh, GruReset::AfterProduct}, {CellKind::RnnRelu, GruReset::AfterProduct},
      {CellKind::Lstm, GruReset::AfterProduct},    {CellKind::Gru, GruReset::AfterProduct},
      {CellKind::Gru, GruReset::BeforeProduct}, {CellKind::Mut1, GruReset::AfterProduct},
      {CellKind::Mut2, GruReset::AfterProduct}, {CellKind::Mut3, GruReset::AfterProduct}};
  // A bidirectional stack cannot feed MUT1 or MUT2 (layer 1's input is 2H wide).
  auto stacks_bidirectionally = [](CellKind cell) { return !cell_info(cell).input_width_is_hidden; };
  for (auto [cell, reset] : cells)
    for (int64_t layers : {1, 2})
      for (bool bi : {false, true})
        for (bool varlen : {false, true})
          if (!(layers == 2 && bi) || stacks_bidirectionally(cell))
            configs.push_back({cell, reset, layers, bi, varlen, 0.0, true});
  for (auto [cell, reset] : cells) {
    const bool bi = stacks_bidirectionally(cell);
    configs.push_back({cell, reset, 2, bi, true, 0.3, true});  // dropout between layers
    configs.push_back({cell, reset, 1, false, false, 0.0, false});  // no bias
  }
  return configs;
}

INSTANTIATE_TEST_SUITE_P(AllCells, RecurrentGradient, ::testing::ValuesIn(all_configs()), config_name);

TEST(Recurrent, BackwardAccumulatesParameterGradients) {
  Rng rng(3);
  Recurrent<double> layer({.cell = CellKind::Lstm, .input_size = 2, .hidden_size = 3, .num_layers = 2}, rng);
  Tensor<double> input = random_tensor<Rng>({3, 2, 2}, rng), output, grad_input;
  RecurrentState<double> initial, final, grad_initial;
  layer.forward(input, initial, {}, output, final);
  const Tensor<double> grad_output = random_tensor<Rng>(output.shape(), rng);
  zero_grad(layer.parameters());
  layer.backward(grad_output, {}, grad_input, grad_initial);
  std::vector<Tensor<double>> once;
  for (auto* p : layer.parameters()) once.push_back(p->grad);
  layer.backward(grad_output, {}, grad_input, grad_initial);
  auto params = layer.parameters();
  for (size_t k = 0; k < params.size(); ++k)
    for (int64_t i = 0; i < once[k].numel(); ++i) ASSERT_DOUBLE_EQ(params[k]->grad[i], 2 * once[k][i]);
}

TEST(Recurrent, ParameterNamesFollowPyTorch) {
  Rng rng(1);
  Recurrent<float> layer({.cell = CellKind::Gru, .input_size = 5, .hidden_size = 7, .num_layers = 2,
                          .bidirectional = true}, rng);
  std::vector<std::string> names;
  for (auto* p : layer.parameters()) names.push_back(p->name);
  const std::vector<std::string> expected = {
      "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
      "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
      "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
      "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(layer.parameter("weight_ih_l0").value.shape(), (Shape{21, 5}));
  EXPECT_EQ(layer.parameter("weight_ih_l1_reverse").value.shape(), (Shape{21, 14}));
  EXPECT_EQ(layer.parameter("weight_hh_l1").value.shape(), (Shape{21, 7}));
}

TEST(Recurrent, RejectsBadShapesWithClearMessages) {
  Rng rng(1);
  Recurrent<float> layer({.cell = CellKind::Lstm, .input_size = 4, .hidden_size = 3}, rng);
  Tensor<float> output;
  RecurrentState<float> final;
  const Tensor<float> wrong_input({5, 2, 3});
  EXPECT_THROW(layer.forward(wrong_input, {}, {}, output, final), std::invalid_argument);
  const Tensor<float> input({5, 2, 4});
  const std::vector<int64_t> too_long = {6, 1};
  try {
    layer.forward(input, {}, too_long, output, final);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lengths[0] = 6"), std::string::npos) << e.what();
  }
  RecurrentState<float> bad_h0{Tensor<float>({2, 2, 3}), {}};
  EXPECT_THROW(layer.forward(input, bad_h0, {}, output, final), std::invalid_argument);
  EXPECT_THROW(Recurrent<float>({.cell = CellKind::Lstm, .input_size = 0, .hidden_size = 3}, rng),
               std::invalid_argument);
  EXPECT_THROW(Recurrent<float>({.cell = CellKind::Lstm, .input_size = 2, .hidden_size = 3, .dropout = 1.0}, rng),
               std::invalid_argument);
}

TEST(Recurrent, VariableLengthFinalStateIsLastValidStep) {
  // A batch padded to T must give, per sequence, what that sequence alone gives.
  Rng rng(5);
  Recurrent<double> layer({.cell = CellKind::Gru, .input_size = 2, .hidden_size = 3, .bidirectional = true}, rng);
  const int64_t T = 5;
  Tensor<double> batch = random_tensor<Rng>({T, 2, 2}, rng);
  const std::vector<int64_t> lengths = {5, 3};
  Tensor<double> out_batch, out_alone;
  RecurrentState<double> fin_batch, fin_alone;
  layer.forward(batch, {}, lengths, out_batch, fin_batch);
  Tensor<double> alone({3, 1, 2});
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t i = 0; i < 2; ++i) alone[t * 2 + i] = batch[(t * 2 + 1) * 2 + i];
  layer.forward(alone, {}, {}, out_alone, fin_alone);
  for (int64_t row = 0; row < 2; ++row)
    for (int64_t j = 0; j < 3; ++j) EXPECT_NEAR(fin_batch.h[(row * 2 + 1) * 3 + j], fin_alone.h[row * 3 + j], 1e-12);
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t j = 0; j < 6; ++j) EXPECT_NEAR(out_batch[(t * 2 + 1) * 6 + j], out_alone[t * 6 + j], 1e-12);
}

}  // namespace
}  // namespace recur
