// The GRU with the reset applied after the recurrent product (PyTorch's
// nn.GRU, cuDNN; oneDNN's linear-before-reset GRU), gates r, z, n:
//   r = s(x_r + h_r), z = s(x_z + h_z), n = tanh(x_n + r * (W_hn h_prev + b_hn)),
//   h = (1 - z) * n + z * h_prev
// where x_* = W_i* x + b_i* (+ b_h* for r, z, folded into the projection).
// The recurrent product is kept apart (scratch [B, 3H]), and W_hn h + b_hn is
// saved (aux [B, H]) for dr; the gate gradients to W_hh differ from those to
// W_ih in the n block, where the recurrent part was scaled by r.
#include "nn/cells/cells.h"

namespace recur::kernels {

// ------------------------------------------------- GRU, reset after the product
// PyTorch / cuDNN. Gates r, z, n:
//   r = s(x_r + h_r), z = s(x_z + h_z), n = tanh(x_n + r * (W_hn h + b_hn)),
//   h = (1 - z) * n + z * h_prev
// gates holds the input part (with b_ih, and b_hh folded in for r and z);
// recurrent [B, 3H] holds W_hh h_prev without bias; hn_bias is b_hn (or null).
// recurrent_n [B, H] keeps W_hn h + b_hn, needed for dr.
template <typename T>
void gru_forward_step(const StepRows& s, T* gates, const T* recurrent, const T* hn_bias, const T* h_prev,
                      T* recurrent_n, T* h_out, T* y, int64_t y_stride) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* hr = recurrent_n + b * H;
    if (!s.active(b)) {
      carry_inactive_row(s, b, h_prev, h_out, y, y_stride);
      std::fill_n(hr, H, T(0));
      continue;
    }
    T* gr = gates + b * 3 * H;
    T* gz = gr + H;
    T* gn = gr + 2 * H;
    const T* rr = recurrent + b * 3 * H;
    const T* rz = rr + H;
    const T* rn = rr + 2 * H;
    const T* hp = h_prev + b * H;
    T* ho = h_out + b * H;
    T* yo = y + b * y_stride;
    if constexpr (std::is_same_v<T, float>) {
      if (rows::vectorised()) {
        rows::gru_forward(gr, rr, hn_bias, hp, hr, ho, yo, H);
        continue;
      }
    }
    for (int64_t j = 0; j < H; ++j) {
      const T r = sigmoid(gr[j] + rr[j]);
      const T z = sigmoid(gz[j] + rz[j]);
      const T hn = rn[j] + (hn_bias ? hn_bias[j] : T(0));
      const T n = std::tanh(gn[j] + r * hn);
      const T h = (T(1) - z) * n + z * hp[j];
      gr[j] = r;
      gz[j] = z;
      gn[j] = n;
      hr[j] = hn;
      ho[j] = h;
      yo[j] = h;
    }
  }
}

// grad_gates_x goes to W_ih and b_ih, grad_gates_h to W_hh and b_hh: they
// differ in the n block, where the recurrent part was scaled by r.
template <typename T>
void gru_backward_step(const StepRows& s, const T* gates, const T* recurrent_n, const T* h_prev, const T* grad_y,
                       int64_t y_stride, T* grad_h, T* grad_gates_x, T* grad_gates_h) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* dxr = grad_gates_x + b * 3 * H;
    T* dhr = grad_gates_h + b * 3 * H;
    if (!s.active(b)) {
      std::fill_n(dxr, 3 * H, T(0));
      std::fill_n(dhr, 3 * H, T(0));
      continue;
    }
    const T* gr = gates + b * 3 * H;
    const T* gz = gr + H;
    const T* gn = gr + 2 * H;
    const T* hr = recurrent_n + b * H;
    const T* hp = h_prev + b * H;
    const T* dy = grad_y ? grad_y + b * y_stride : nullptr;
    T* dh = grad_h + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T dh_total = dh[j] + (dy ? dy[j] : T(0));
      const T r = gr[j], z = gz[j], n = gn[j];
      const T dn_pre = dh_total * (T(1) - z) * (T(1) - n * n);
      const T dz_pre = dh_total * (hp[j] - n) * z * (T(1) - z);
      const T dr_pre = dn_pre * hr[j] * r * (T(1) - r);
      dxr[j] = dhr[j] = dr_pre;
      dxr[H + j] = dhr[H + j] = dz_pre;
      dxr[2 * H + j] = dn_pre;
      dhr[2 * H + j] = dn_pre * r;
      dh[j] = dh_total * z;
    }
  }
}

}  // namespace recur::kernels

namespace recur {
namespace {

template <typename T>
struct GruSteps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    T* recurrent = s.scratch;  // [B, 3H]
    hidden_product(B, H, s.h_prev, s.w_hh, 0, 3, T(0), recurrent, 3 * H);
    kernels::gru_forward_step(s.rows, s.gates, recurrent, s.b_hh ? s.b_hh + 2 * H : nullptr, s.h_prev, s.aux,
                              s.h_out, s.y, s.y_stride);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    kernels::gru_backward_step(s.rows, s.gates, s.aux, s.h_prev, s.grad_y, s.y_stride, s.grad_h, s.grad_gates,
                               s.grad_gates_h);
    hidden_product_back(B, H, s.grad_gates_h, 3 * H, s.w_hh, 0, 3, T(1), s.grad_h);
  }
};

}  // namespace

CellInfo gru_info() {
  return {.kind = CellKind::Gru, .name = "gru", .alias = "", .gates = 3, .input_blocks = 3, .hidden_blocks = 3,
          .cell_state = false, .gate_blocks = {{{"reset", true}, {"update", true}, {"new", false}}}};
}

const CellSpec& gru_cell() {
  static const CellSpec spec{
      .info = gru_info(),
      .gru_reset = GruReset::AfterProduct,
      .aux_blocks = 1,
      .scratch_blocks = 3,
      .folded_hh_bias_blocks = 2,  // b_hn stays inside r * (...)
      .separate_hh_gradient = true,
      .onednn = OnednnCell::LinearBeforeResetGru,
      .float_steps = cell_steps<GruSteps, float>(),
      .double_steps = cell_steps<GruSteps, double>()};
  return spec;
}

}  // namespace recur
