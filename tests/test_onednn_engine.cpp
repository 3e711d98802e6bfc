// The oneDNN engine (float; onednn_layer.h) against recur's own kernels in
// double precision, which the gradient checks and the PyTorch reference cases
// verify. Every cell and both GRU resets, stacked and bidirectional, full
// length and variable lengths run as time segments, with and without initial
// states and upstream state gradients, and gradients that accumulate over two
// backward passes. The same float layer runs several
// batches in turn, so that the primitives and buffers it keeps between calls
// (per shape, per segment) are exercised as well.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gradient_check.h"
#include "nn/onednn_layer.h"
#include "recur/recurrent.h"
#include "recur/rng.h"

namespace recur {
namespace {

struct Config {
  CellKind cell;
  GruReset gru_reset;
  int64_t layers;
  bool bidirectional;
};

std::string config_name(const ::testing::TestParamInfo<Config>& info) {
  const Config& c = info.param;
  std::string name = cell_name(c.cell);
  if (c.cell == CellKind::Gru && c.gru_reset == GruReset::BeforeProduct) name += "_reset_before";
  return name + "_L" + std::to_string(c.layers) + (c.bidirectional ? "_bi" : "_uni");
}

// The float layer's random inputs (the same draws as the gradient checks').
Tensor<float> random_floats(const Shape& shape, Rng& rng) { return tensor_cast<float>(testing::random_tensor(shape, rng)); }

// Float results against the double reference: a float's rounding, compounded
// over a few steps, stays well inside this.
void expect_close(const Tensor<float>& got, const Tensor<double>& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  double worst = 0;
  int64_t at = 0;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double err = std::abs(double(got[i]) - want[i]) / (1e-3 + std::abs(want[i]));
    if (err > worst) worst = err, at = i;
  }
  EXPECT_LT(worst, 2e-3) << what << "[" << at << "]: " << got[at] << " vs " << want[at];
}

// Sets the engine policy for one test and puts the previous one back.
struct PolicyScope {
  onednn::Policy before = onednn::policy();
  explicit PolicyScope(onednn::Policy p) { onednn::set_policy(p); }
  ~PolicyScope() { onednn::set_policy(before); }
};

struct Batch {
  std::vector<int64_t> lengths;  // empty: full length
  bool initial_states;
  bool state_gradients;
};

class OnednnEngine : public ::testing::TestWithParam<Config> {};

TEST_P(OnednnEngine, MatchesOwnKernelsInDouble) {
  if (!onednn::enabled()) GTEST_SKIP() << "built without oneDNN, or RECUR_ENGINE=recur";
  // These shapes are far too small for the measured rule to pick oneDNN's
  // time segments; run them there anyway, which is what is tested here.
  const PolicyScope always(onednn::Policy::Always);
  const Config c = GetParam();
  const int64_t T = 7, B = 6, I = 5, H = 8;
  const RecurrentOptions options{.cell = c.cell, .input_size = I, .hidden_size = H, .num_layers = c.layers,
                                 .bidirectional = c.bidirectional, .gru_reset = c.gru_reset};
  const int64_t D = options.directions(), L = c.layers;
  const bool lstm = c.cell == CellKind::Lstm;
  Rng rng(7);
  Recurrent<float> fast(options, rng);
  Recurrent<double> reference(options, rng);
  ParameterList<float> fast_params = fast.parameters();
  ParameterList<double> reference_params = reference.parameters();
  for (size_t p = 0; p < fast_params.size(); ++p) reference_params[p]->value = tensor_cast<double>(fast_params[p]->value);

  // Full length, then lengths in every order (one segment per distinct length),
  // then full length again, so that both kinds of run follow each other.
  const std::vector<Batch> batches{
      {{}, true, true},
      {{7, 3, 7, 1, 3, 5}, true, true},
      {{2, 7, 4, 4, 6, 7}, false, true},
      {{7, 7, 6, 5, 5, 2}, true, false},  // already longest first
      {{7, 7, 7, 7, 7, 7}, false, false},
      {{}, false, false},
  };
  for (size_t n = 0; n < batches.size(); ++n) {
    const Batch& batch = batches[n];
    SCOPED_TRACE("batch " + std::to_string(n));
    const Shape state_shape{L * D, B, H};
    const Tensor<float> x = random_floats({T, B, I}, rng);
    RecurrentState<float> initial;
    if (batch.initial_states) {
      initial.h = random_floats(state_shape, rng);
      if (lstm) initial.c = random_floats(state_shape, rng);
    }
    const Tensor<float> dy = random_floats({T, B, D * H}, rng);
    RecurrentState<float> grad_final;
    if (batch.state_gradients) {
      grad_final.h = random_floats(state_shape, rng);
      if (lstm) grad_final.c = random_floats(state_shape, rng);
    }

    zero_grad(fast_params);
    Tensor<float> y, dx;
    RecurrentState<float> final, grad_initial;
    fast.forward(x, initial, batch.lengths, y, final);
    ASSERT_EQ(fast.engine(), "onednn");
    fast.backward(dy, grad_final, dx, grad_initial);

    zero_grad(reference_params);
    Tensor<double> y_ref, dx_ref;
    RecurrentState<double> final_ref, grad_initial_ref;
    const RecurrentState<double> initial_ref{tensor_cast<double>(initial.h), tensor_cast<double>(initial.c)};
    const RecurrentState<double> grad_final_ref{tensor_cast<double>(grad_final.h), tensor_cast<double>(grad_final.c)};
    const Tensor<double> x_ref = tensor_cast<double>(x);  // backward reads the input forward saw
    reference.forward(x_ref, initial_ref, batch.lengths, y_ref, final_ref);
    ASSERT_EQ(reference.engine(), "recur");
    reference.backward(tensor_cast<double>(dy), grad_final_ref, dx_ref, grad_initial_ref);

    expect_close(y, y_ref, "output");
    expect_close(final.h, final_ref.h, "hn");
    expect_close(dx, dx_ref, "grad input");
    expect_close(grad_initial.h, grad_initial_ref.h, "grad h0");
    if (lstm) {
      expect_close(final.c, final_ref.c, "cn");
      expect_close(grad_initial.c, grad_initial_ref.c, "grad c0");
    }
    for (size_t p = 0; p < fast_params.size(); ++p)
      expect_close(fast_params[p]->grad, reference_params[p]->grad, "grad " + fast_params[p]->name);

    // Backward again: parameter gradients add up (some go straight into
    // Parameter::grad, some through a staged copy).
    fast.backward(dy, grad_final, dx, grad_initial);
    for (size_t p = 0; p < fast_params.size(); ++p) {
      Tensor<double> twice = reference_params[p]->grad;
      for (double& v : twice.values()) v *= 2;
      expect_close(fast_params[p]->grad, twice, "twice grad " + fast_params[p]->name);
    }
  }
}

std::vector<Config> all_configs() {
  std::vector<Config> configs;
  const std::pair<CellKind, GruReset> cells[] = {{CellKind::RnnTanh, GruReset::AfterProduct},
                                                 {CellKind::RnnRelu, GruReset::AfterProduct},
                                                 {CellKind::Lstm, GruReset::AfterProduct},
                                                 {CellKind::Gru, GruReset::AfterProduct},
                                                 {CellKind::Gru, GruReset::BeforeProduct}};
  for (const auto& [cell, reset] : cells)
    for (int64_t layers : {1, 2})
      for (bool bidirectional : {false, true}) configs.push_back({cell, reset, layers, bidirectional});
  return configs;
}

INSTANTIATE_TEST_SUITE_P(AllCells, OnednnEngine, ::testing::ValuesIn(all_configs()), config_name);

TEST(OnednnEngine, SegmentsWhereEachCallHasEnoughWork) {
  PolicyScope scope(onednn::Policy::Auto);
  // 64 sequences of lengths 100..37, one of each: 64 calls of ~68 tokens each.
  std::vector<int64_t> spread;
  for (int64_t b = 0; b < 64; ++b) spread.push_back(100 - b);
  const LengthSegments spread_segments = split_by_length(spread, 64, 100);
  const auto per_token = [](double G, double H, double I) { return 6 * G * H * (I + H); };
  EXPECT_TRUE(onednn::worth_segmenting(spread_segments, per_token(3, 256, 256)));   // 162 MFLOP a call: measured 1.59x
  EXPECT_FALSE(onednn::worth_segmenting(spread_segments, per_token(3, 32, 32)));    // 3 MFLOP: measured 0.62x
  EXPECT_FALSE(onednn::worth_segmenting(spread_segments, per_token(4, 64, 64)));    // 13 MFLOP: measured 1.03x
  // Two lengths: two calls of ~3,200 tokens, 626 MFLOP each: measured 1.15x.
  std::vector<int64_t> two;
  for (int64_t b = 0; b < 64; ++b) two.push_back(100 - b % 2);
  const LengthSegments two_segments = split_by_length(two, 64, 100);
  EXPECT_TRUE(onednn::worth_segmenting(two_segments, per_token(4, 64, 64)));
  // Always segments whatever the work.
  onednn::set_policy(onednn::Policy::Always);
  EXPECT_TRUE(onednn::worth_segmenting(spread_segments, per_token(3, 32, 32)));
}

TEST(OnednnEngine, FullLengthOnlyWhereEachStepHasEnoughWork) {
  PolicyScope scope(onednn::Policy::Auto);
  const auto per_token = [](double G, double H, double I) { return 6 * G * H * (I + H); };
  EXPECT_FALSE(onednn::worth_full_length(16, per_token(3, 32, 32)));   // 0.6 MFLOP a step: measured 0.79x
  EXPECT_FALSE(onednn::worth_full_length(16, per_token(4, 32, 32)));   // 0.8 MFLOP: measured 0.87x
  EXPECT_TRUE(onednn::worth_full_length(8, per_token(4, 64, 64)));     // 1.6 MFLOP: measured 1.13x
  EXPECT_TRUE(onednn::worth_full_length(32, per_token(4, 128, 128)));  // small: 12.6 MFLOP
  onednn::set_policy(onednn::Policy::Always);
  EXPECT_TRUE(onednn::worth_full_length(1, per_token(1, 4, 4)));
}

}  // namespace
}  // namespace recur
