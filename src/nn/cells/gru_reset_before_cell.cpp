// The GRU with the reset applied before the recurrent product (Cho et al.
// 2014; oneDNN's plain GRU), gates r, z, n:
//   r = s(x_r + W_hr h_prev + b_hr), z = s(x_z + W_hz h_prev + b_hz),
//   n = tanh(x_n + W_hn (r * h_prev) + b_hn),  h = (1 - z) * n + z * h_prev
// A step takes two recurrent products (r and z first, then n on r * h_prev);
// the kernels around the second are those of reset_before_kernels.h. r * h_prev
// is saved (aux [B, H]): it is W_hn's operand, and gives W_hn's gradient.
#include "nn/cells/cells.h"
#include "nn/cells/reset_before_kernels.h"

namespace recur {
namespace {

// W_hh's blocks are r, z, n, like the gates.
constexpr kernels::ResetLayout kLayout{.gates = 3, .r = 0, .z = 1, .n = 2, .w_n = 2};

template <typename T>
struct GruResetBeforeSteps {
  static void forward(const ForwardStep<T>& s) {
    hidden_product(s.rows.batch, s.rows.hidden, s.h_prev, s.w_hh, 0, 2, T(1), s.gates, 3 * s.rows.hidden);
    reset_before_forward<T, /*ZKeepsState=*/true>(s, kLayout);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t H = s.rows.hidden;
    reset_before_backward<T, true>(s, kLayout);
    // r and z went through W_hh h_prev directly.
    hidden_product_back(s.rows.batch, H, s.grad_gates, 3 * H, s.w_hh, 0, 2, T(1), s.grad_h);
  }

  // W_hr, W_hz multiplied h_prev; W_hn multiplied r * h_prev (aux).
  static void hidden_gradients(const HiddenGradients<T>& g) {
    plain_hidden_gradients(g, 2, 0);
    reset_hidden_gradients(g, kLayout);
  }
};

}  // namespace

const CellSpec& gru_reset_before_cell() {
  static const CellSpec spec{
      .info = gru_info(),
      .gru_reset = GruReset::BeforeProduct,
      .aux_blocks = 1,
      .scratch_blocks = 1,
      .folded_hh_bias_blocks = 3,
      .onednn = OnednnCell::Gru,
      .float_steps = cell_steps<GruResetBeforeSteps, float>(),
      .double_steps = cell_steps<GruResetBeforeSteps, double>()};
  return spec;
}

}  // namespace recur
