// The generation path must reproduce the training path step for step.
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "recur/recurrent_stepper.h"

namespace recur {
namespace {

class StepperMatchesForward : public ::testing::TestWithParam<std::pair<CellKind, GruReset>> {};

TEST_P(StepperMatchesForward, OverAWholeSequence) {
  const auto [cell, reset] = GetParam();
  const int64_t T = 6, B = 2, H = 5, L = 2, I = cell_info(cell).input_width_is_hidden ? H : 3;
  Rng rng(21);
  Recurrent<double> layer({.cell = cell, .input_size = I, .hidden_size = H, .num_layers = L, .gru_reset = reset},
                          rng);
  const Tensor<double> input = testing::random_tensor<Rng>({T, B, I}, rng);
  Tensor<double> output;
  RecurrentState<double> final;
  layer.forward(input, {}, {}, output, final);

  RecurrentStepper<double> stepper(layer);
  RecurrentState<double> state = stepper.initial_state(B);
  for (int64_t t = 0; t < T; ++t) {
    const double* top = stepper.step(input.data() + t * B * I, B, state);
    for (int64_t i = 0; i < B * H; ++i) ASSERT_NEAR(top[i], output[t * B * H + i], 1e-12) << "t=" << t;
  }
  for (int64_t i = 0; i < final.h.numel(); ++i) EXPECT_NEAR(state.h[i], final.h[i], 1e-12);
  for (int64_t i = 0; i < final.c.numel(); ++i) EXPECT_NEAR(state.c[i], final.c[i], 1e-12);
}

INSTANTIATE_TEST_SUITE_P(AllCells, StepperMatchesForward,
                         ::testing::Values(std::pair{CellKind::RnnTanh, GruReset::AfterProduct},
                                           std::pair{CellKind::RnnRelu, GruReset::AfterProduct},
                                           std::pair{CellKind::Lstm, GruReset::AfterProduct},
                                           std::pair{CellKind::Gru, GruReset::AfterProduct},
                                           std::pair{CellKind::Gru, GruReset::BeforeProduct},
                                           std::pair{CellKind::Mut1, GruReset::AfterProduct},
                                           std::pair{CellKind::Mut2, GruReset::AfterProduct},
                                           std::pair{CellKind::Mut3, GruReset::AfterProduct}));

TEST(RecurrentStepper, RefusesBidirectional) {
  Rng rng(1);
  Recurrent<float> layer({.cell = CellKind::Lstm, .input_size = 2, .hidden_size = 2, .bidirectional = true}, rng);
  EXPECT_THROW(RecurrentStepper<float>{layer}, std::invalid_argument);
}

}  // namespace
}  // namespace recur
