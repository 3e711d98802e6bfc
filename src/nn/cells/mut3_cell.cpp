// MUT3 of Jozefowicz, Zaremba & Sutskever 2015:
//   z = s(W_xz x + W_hz tanh(h) + b_z),  r = s(W_xr x + W_hr h + b_r),
//   h' = tanh(W_hh (r * h) + W_xh x + b_h) * z + h * (1 - z)
// Gate blocks z, r, n (n: the candidate). weight_ih [3H, I] is W_xz, W_xr,
// W_xh; weight_hh [3H, H] is W_hz (on tanh(h)), W_hr (on h), W_hn (on r * h);
// bias_ih and bias_hh [3H] sum to b_z, b_r, b_h, folded into the projection.
// Three recurrent products a step. aux [B, 2H] keeps r * h and tanh(h) (the
// operands of W_hn and W_hz, for their gradients).
#include "nn/cells/cells.h"
#include "nn/cells/reset_before_kernels.h"

namespace recur {
namespace {

constexpr kernels::ResetLayout kLayout{.gates = 3, .r = 1, .z = 0, .n = 2, .w_n = 2, .aux_blocks = 2};

template <typename T>
struct Mut3Steps {
  // tanh(h_prev) lies in the second block of aux rows of 2H.
  static void forward(const ForwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    T* tanh_h = s.aux + H;
#pragma omp parallel for schedule(static) if (B * H >= kernels::kParallelElements)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j) tanh_h[b * 2 * H + j] = std::tanh(s.h_prev[b * H + j]);
    hidden_product(B, H, tanh_h, s.w_hh, 0, 1, T(1), s.gates, 3 * H, 2 * H);  // W_hz tanh(h)
    hidden_product(B, H, s.h_prev, s.w_hh, 1, 1, T(1), s.gates + H, 3 * H);   // W_hr h
    reset_before_forward<T, /*ZKeepsState=*/false>(s, kLayout);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    reset_before_backward<T, false>(s, kLayout);
    hidden_product_back(B, H, s.grad_gates + H, 3 * H, s.w_hh, 1, 1, T(1), s.grad_h);  // through W_hr
    // Through W_hz and tanh: dh += (dz W_hz) * (1 - tanh(h)^2); the scratch is free again.
    T* grad_tanh_h = s.scratch;
    hidden_product_back(B, H, s.grad_gates, 3 * H, s.w_hh, 0, 1, T(0), grad_tanh_h);
    const T* tanh_h = s.aux + H;
#pragma omp parallel for schedule(static) if (B * H >= kernels::kParallelElements)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j) {
        const T t = tanh_h[b * 2 * H + j];
        s.grad_h[b * H + j] += grad_tanh_h[b * H + j] * (T(1) - t * t);
      }
  }

  static void hidden_gradients(const HiddenGradients<T>& g) {
    const int64_t H = g.hidden;
    hidden_block_gradients(g, /*gate_block=*/0, /*w_block=*/0, 1, g.aux + H, 2 * H);  // W_hz on tanh(h)
    hidden_block_gradients(g, /*gate_block=*/1, /*w_block=*/1, 1, g.h_prev, H);       // W_hr on h
    reset_hidden_gradients(g, kLayout);                                               // W_hn on r * h
  }
};

}  // namespace

const CellSpec& mut3_cell() {
  static const CellSpec spec{
      .info = {.kind = CellKind::Mut3, .name = "mut3", .alias = "", .gates = 3, .input_blocks = 3,
               .hidden_blocks = 3, .cell_state = false,
               .gate_blocks = {{{"update", true}, {"reset", true}, {"new", false}}}},
      .aux_blocks = 2,
      .scratch_blocks = 1,
      .folded_hh_bias_blocks = 3,
      .float_steps = cell_steps<Mut3Steps, float>(),
      .double_steps = cell_steps<Mut3Steps, double>()};
  return spec;
}

}  // namespace recur
