// The GRU with the reset applied before the recurrent product (Cho et al.
// 2014; oneDNN's plain GRU), gates r, z, n:
//   r = s(x_r + W_hr h_prev + b_hr), z = s(x_z + W_hz h_prev + b_hz),
//   n = tanh(x_n + W_hn (r * h_prev) + b_hn),  h = (1 - z) * n + z * h_prev
// A step takes two recurrent products (r and z first, then n on r * h_prev),
// so its kernels come in halves around the second. r * h_prev is saved (aux
// [B, H]): it is W_hn's operand, and gives W_hn's gradient.
#include "nn/cells/cells.h"

namespace recur::kernels {

// ------------------------------------------------ GRU, reset before the product
// Cho et al. 2014: n = tanh(x_n + W_hn (r * h_prev) + b_hn). The step needs two
// recurrent products (r and z first, then n on r * h), so its kernel comes in
// two halves around the driver's second GEMM.
//
// Half 1: gates' r, z blocks hold their full pre-activations; writes r, z and
// reset_h = r * h_prev (the operand of the second product, kept for W_hn's gradient).
template <typename T>
void gru_reset_before_gates_step(const StepRows& s, T* gates, const T* h_prev, T* reset_h) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* rh = reset_h + b * H;
    if (!s.active(b)) {
      std::fill_n(rh, H, T(0));
      continue;
    }
    T* gr = gates + b * 3 * H;
    T* gz = gr + H;
    const T* hp = h_prev + b * H;
    if constexpr (std::is_same_v<T, float>) {
      if (rows::vectorised()) {
        rows::sigmoid(gr, gr, 2 * H);  // r and z are adjacent
        for (int64_t j = 0; j < H; ++j) rh[j] = gr[j] * hp[j];
        continue;
      }
    }
    for (int64_t j = 0; j < H; ++j) {
      gr[j] = sigmoid(gr[j]);
      gz[j] = sigmoid(gz[j]);
      rh[j] = gr[j] * hp[j];
    }
  }
}

// Half 2: the n block now holds x_n + b_in + b_hn + W_hn (r * h_prev).
template <typename T>
void gru_reset_before_state_step(const StepRows& s, T* gates, const T* h_prev, T* h_out, T* y, int64_t y_stride) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) {
      carry_inactive_row(s, b, h_prev, h_out, y, y_stride);
      continue;
    }
    const T* gz = gates + b * 3 * H + H;
    T* gn = gates + b * 3 * H + 2 * H;
    const T* hp = h_prev + b * H;
    T* ho = h_out + b * H;
    T* yo = y + b * y_stride;
    bool vectorised = false;  // n = tanh(gn) already applied to the whole row
    if constexpr (std::is_same_v<T, float>) {
      vectorised = rows::vectorised();
      if (vectorised) rows::tanh(gn, gn, H);
    }
    for (int64_t j = 0; j < H; ++j) {
      const T n = vectorised ? gn[j] : std::tanh(gn[j]);
      const T h = (T(1) - gz[j]) * n + gz[j] * hp[j];
      gn[j] = n;
      ho[j] = h;
      yo[j] = h;
    }
  }
}

// Backward half 1: the z and n gate gradients and the direct dh_prev (z * dh).
template <typename T>
void gru_reset_before_backward_zn(const StepRows& s, const T* gates, const T* h_prev, const T* grad_y,
                                  int64_t y_stride, T* grad_h, T* grad_gates) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* dg = grad_gates + b * 3 * H;
    if (!s.active(b)) {
      std::fill_n(dg, 3 * H, T(0));
      continue;
    }
    const T* gz = gates + b * 3 * H + H;
    const T* gn = gates + b * 3 * H + 2 * H;
    const T* hp = h_prev + b * H;
    const T* dy = grad_y ? grad_y + b * y_stride : nullptr;
    T* dh = grad_h + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T dh_total = dh[j] + (dy ? dy[j] : T(0));
      const T z = gz[j], n = gn[j];
      dg[H + j] = dh_total * (hp[j] - n) * z * (T(1) - z);
      dg[2 * H + j] = dh_total * (T(1) - z) * (T(1) - n * n);
      dh[j] = dh_total * z;
    }
  }
}

// Backward half 2: grad_reset_h = dL/d(r * h_prev) from the driver's product
// with W_hn; yields the r gate gradient and adds r * grad_reset_h to dh_prev.
template <typename T>
void gru_reset_before_backward_r(const StepRows& s, const T* gates, const T* h_prev, const T* grad_reset_h,
                                 T* grad_h, T* grad_gates) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) continue;  // its r block was zeroed by half 1
    const T* gr = gates + b * 3 * H;
    const T* hp = h_prev + b * H;
    const T* drh = grad_reset_h + b * H;
    T* dg = grad_gates + b * 3 * H;
    T* dh = grad_h + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T r = gr[j];
      dg[j] = drh[j] * hp[j] * r * (T(1) - r);
      dh[j] += drh[j] * r;
    }
  }
}

}  // namespace recur::kernels

namespace recur {
namespace {

template <typename T>
struct GruResetBeforeSteps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    T* reset_h = s.aux;  // [B, H]
    hidden_product(B, H, s.h_prev, s.w_hh, 0, 2, T(1), s.gates, 3 * H);
    kernels::gru_reset_before_gates_step(s.rows, s.gates, s.h_prev, reset_h);
    hidden_product(B, H, reset_h, s.w_hh, 2, 1, T(1), s.gates + 2 * H, 3 * H);
    kernels::gru_reset_before_state_step(s.rows, s.gates, s.h_prev, s.h_out, s.y, s.y_stride);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    T* grad_reset_h = s.scratch;  // [B, H]
    kernels::gru_reset_before_backward_zn(s.rows, s.gates, s.h_prev, s.grad_y, s.y_stride, s.grad_h, s.grad_gates);
    hidden_product_back(B, H, s.grad_gates + 2 * H, 3 * H, s.w_hh, 2, 1, T(0), grad_reset_h);
    kernels::gru_reset_before_backward_r(s.rows, s.gates, s.h_prev, grad_reset_h, s.grad_h, s.grad_gates);
    // Only r and z went through W_hh h_prev directly.
    hidden_product_back(B, H, s.grad_gates, 3 * H, s.w_hh, 0, 2, T(1), s.grad_h);
  }

  // W_hr, W_hz multiplied h_prev; W_hn multiplied r * h_prev (aux).
  static void hidden_gradients(const HiddenGradients<T>& g) {
    const int64_t H = g.hidden;
    plain_hidden_gradients(g, 2, 0);
    gemm<T>(Transpose::Yes, Transpose::No, H, H, g.rows, T(1), g.grad_gates_h + 2 * H, 3 * H, g.aux, H, T(1),
            g.grad_w_hh + 2 * H * H, H);
    if (g.grad_b_hh) add_column_sums(g.grad_gates_h + 2 * H, g.rows, H, 3 * H, g.grad_b_hh + 2 * H);
  }

  static CellSteps<T> steps() {
    CellSteps<T> steps = cell_steps<GruResetBeforeSteps, T>();
    steps.hidden_gradients = &hidden_gradients;
    return steps;
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
      .float_steps = GruResetBeforeSteps<float>::steps(),
      .double_steps = GruResetBeforeSteps<double>::steps()};
  return spec;
}

}  // namespace recur
