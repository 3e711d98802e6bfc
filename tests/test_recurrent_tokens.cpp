// Recurrent::forward_tokens (layer 0's input projection read from a table of
// every token's, the decoding path of an encoder) must give what forward gives
// on the embedded tokens: every cell, both directions, two layers, lengths.
#include <gtest/gtest.h>

#include <vector>

#include "gradient_check.h"
#include "recur/recurrent.h"

namespace recur {
namespace {

class TokensMatchForward : public ::testing::TestWithParam<CellKind> {};

TEST_P(TokensMatchForward, BidirectionalWithLengths) {
  const CellKind cell = GetParam();
  const int64_t T = 5, B = 3, H = 4, V = 7, I = cell_info(cell).input_width_is_hidden ? H : 3;
  Rng rng(31);
  Recurrent<double> layer({.cell = cell, .input_size = I, .hidden_size = H, .num_layers = 2, .bidirectional = true},
                          rng);
  const Tensor<double> table = testing::random_tensor<Rng>({V, I}, rng);
  std::vector<int64_t> ids(T * B);
  for (int64_t& id : ids) id = static_cast<int64_t>(rng.uniform(0, V));
  const std::vector<int64_t> lengths = {5, 2, 4};
  Tensor<double> embedded({T, B, I});
  for (int64_t i = 0; i < T * B; ++i)
    for (int64_t j = 0; j < I; ++j) embedded[i * I + j] = table[ids[i] * I + j];

  Tensor<double> expected, output;
  RecurrentState<double> expected_final, final;
  layer.forward(embedded, {}, lengths, expected, expected_final);
  const std::vector<Tensor<double>> tables = layer.project_layer0(table);
  layer.forward_tokens(tables, ids, T, {}, lengths, output, final);
  ASSERT_EQ(output.shape(), expected.shape());
  for (int64_t i = 0; i < output.numel(); ++i) ASSERT_NEAR(output[i], expected[i], 1e-12) << i;
  for (int64_t i = 0; i < final.h.numel(); ++i) EXPECT_NEAR(final.h[i], expected_final.h[i], 1e-12);
  for (int64_t i = 0; i < final.c.numel(); ++i) EXPECT_NEAR(final.c[i], expected_final.c[i], 1e-12);
  // Nothing was kept for backward, and a bad id is refused.
  Tensor<double> grad_input;
  RecurrentState<double> grad_initial;
  EXPECT_THROW(layer.backward(output, {}, grad_input, grad_initial), std::logic_error);
  ids[4] = V;
  EXPECT_THROW(layer.forward_tokens(tables, ids, T, {}, lengths, output, final), std::out_of_range);
}

// (MUT1 and MUT2 add their input to a hidden-sized vector: no bidirectional stack feeds them.)
INSTANTIATE_TEST_SUITE_P(AllCells, TokensMatchForward,
                         ::testing::Values(CellKind::RnnTanh, CellKind::RnnRelu, CellKind::Lstm, CellKind::Gru,
                                           CellKind::Mut3));

}  // namespace
}  // namespace recur
