// MUT1 of Jozefowicz, Zaremba & Sutskever 2015:
//   z = s(W_xz x + b_z),  r = s(W_xr x + W_hr h + b_r),
//   h' = tanh(W_hh (r * h) + tanh(x) + b_h) * z + h * (1 - z)
// Gate blocks z, r, n (n: the candidate). W_ih feeds z and r
// (weight_ih [2H, I]: W_xz, W_xr); W_hh is W_hr then W_hn, feeding r and n
// (weight_hh [2H, H]); tanh(x) goes into n directly, so I must equal H.
// Biases: bias_ih [2H] (z, r) and bias_hh [2H] (r, n), PyTorch-style pairs
// whose sums are the formula's b_z, b_r, b_h; all folded into the projection.
// The step: W_hr h into r, then reset_before_kernels.h with r * h in aux.
#include "nn/cells/cells.h"
#include "nn/cells/direct_input.h"
#include "nn/cells/reset_before_kernels.h"

namespace recur {
namespace {

constexpr kernels::ResetLayout kLayout{.gates = 3, .r = 1, .z = 0, .n = 2, .w_n = 1};

template <typename T>
struct Mut1Steps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t H = s.rows.hidden;
    hidden_product(s.rows.batch, H, s.h_prev, s.w_hh, 0, 1, T(1), s.gates + H, 3 * H);  // W_hr h
    reset_before_forward<T, /*ZKeepsState=*/false>(s, kLayout);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t H = s.rows.hidden;
    reset_before_backward<T, false>(s, kLayout);
    hidden_product_back(s.rows.batch, H, s.grad_gates + H, 3 * H, s.w_hh, 0, 1, T(1), s.grad_h);  // through W_hr
  }

  static void hidden_gradients(const HiddenGradients<T>& g) {
    hidden_block_gradients(g, /*gate_block=*/1, /*w_block=*/0, 1, g.h_prev, g.hidden);  // W_hr
    reset_hidden_gradients(g, kLayout);                                                 // W_hn
  }

  static void project_direct(const DirectInput<T>& d) { add_direct_input<T, /*Tanh=*/true>(d, kLayout.n, 3); }
  static void project_direct_backward(const DirectInput<T>& d) {
    add_direct_input_gradient<T, true>(d, kLayout.n, 3);
  }
};

}  // namespace

const CellSpec& mut1_cell() {
  static const CellSpec spec{
      .info = {.kind = CellKind::Mut1, .name = "mut1", .alias = "", .gates = 3, .input_blocks = 2,
               .hidden_blocks = 2, .cell_state = false, .input_width_is_hidden = true,
               .gate_blocks = {{{"update", true}, {"reset", true}, {"new", false}}}},
      .aux_blocks = 1,
      .scratch_blocks = 1,
      .folded_hh_bias_blocks = 2,
      .float_steps = cell_steps<Mut1Steps, float>(),
      .double_steps = cell_steps<Mut1Steps, double>()};
  return spec;
}

}  // namespace recur
