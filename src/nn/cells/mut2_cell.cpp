// MUT2 of Jozefowicz, Zaremba & Sutskever 2015:
//   z = s(W_xz x + W_hz h + b_z),  r = s(x + W_hr h + b_r),
//   h' = tanh(W_hh (r * h) + W_xh x + b_h) * z + h * (1 - z)
// Gate blocks n, z, r (n: the candidate; this order puts the two blocks W_ih
// feeds first and the two that read h side by side). weight_ih [2H, I] is
// W_xh, W_xz; weight_hh [3H, H] is W_hn (on r * h), W_hz, W_hr; x goes into r
// directly, so I must equal H. bias_ih [2H] (n, z) and bias_hh [3H] (n, z, r)
// sum to the formula's b_h, b_z, b_r; all folded into the projection.
#include "nn/cells/cells.h"
#include "nn/cells/direct_input.h"
#include "nn/cells/reset_before_kernels.h"

namespace recur {
namespace {

constexpr kernels::ResetLayout kLayout{.gates = 3, .r = 2, .z = 1, .n = 0, .w_n = 0};

template <typename T>
struct Mut2Steps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t H = s.rows.hidden;
    hidden_product(s.rows.batch, H, s.h_prev, s.w_hh, 1, 2, T(1), s.gates + H, 3 * H);  // W_hz h, W_hr h
    reset_before_forward<T, /*ZKeepsState=*/false>(s, kLayout);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t H = s.rows.hidden;
    reset_before_backward<T, false>(s, kLayout);
    hidden_product_back(s.rows.batch, H, s.grad_gates + H, 3 * H, s.w_hh, 1, 2, T(1), s.grad_h);
  }

  static void hidden_gradients(const HiddenGradients<T>& g) {
    hidden_block_gradients(g, /*gate_block=*/1, /*w_block=*/1, 2, g.h_prev, g.hidden);  // W_hz, W_hr
    reset_hidden_gradients(g, kLayout);                                                 // W_hn
  }

  static void project_direct(const DirectInput<T>& d) { add_direct_input<T, /*Tanh=*/false>(d, kLayout.r, 3); }
  static void project_direct_backward(const DirectInput<T>& d) {
    add_direct_input_gradient<T, false>(d, kLayout.r, 3);
  }
};

}  // namespace

const CellSpec& mut2_cell() {
  static const CellSpec spec{
      .info = {.kind = CellKind::Mut2, .name = "mut2", .alias = "", .gates = 3, .input_blocks = 2,
               .hidden_blocks = 3, .cell_state = false, .input_width_is_hidden = true,
               .gate_blocks = {{{"new", false}, {"update", true}, {"reset", true}}}},
      .aux_blocks = 1,
      .scratch_blocks = 1,
      .folded_hh_bias_blocks = 3,
      .float_steps = cell_steps<Mut2Steps, float>(),
      .double_steps = cell_steps<Mut2Steps, double>()};
  return spec;
}

}  // namespace recur
