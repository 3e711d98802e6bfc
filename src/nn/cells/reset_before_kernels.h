// The cells whose candidate reads the reset state r * h_prev: the GRU of Cho et
// al. 2014 (gru_reset_before_cell.cpp) and MUT1-3 of Jozefowicz, Zaremba &
// Sutskever 2015 (mut*_cell.cpp). They share everything but which products
// feed their z and r gates:
//   r, z = s(their pre-activations),  reset_h = r * h_prev,
//   n = tanh(x_n + W_hn reset_h + b_n),
//   GRU:  h = (1 - z) * n + z * h_prev      (z keeps the state)
//   MUT:  h = z * n + (1 - z) * h_prev      (z takes the candidate)
// A step takes its z and r products first (the cell's own), then these
// kernels in two halves around the product of reset_h with W_hn. reset_h is
// kept (aux) for W_hn's gradient; going back, grad_reset_h (scratch [B, H])
// is dL/d(reset_h) from the product with W_hn.
#pragma once

#include "nn/cell.h"

namespace recur::kernels {

// Where one step's blocks lie, in units of H within a gate row of G*H; r and z
// adjacent (so that one vectorised sigmoid covers both).
struct ResetLayout {
  int64_t gates;     // G
  int64_t r, z, n;   // gate blocks
  int64_t w_n;       // W_hh's block that multiplies reset_h
  int64_t aux_blocks = 1;  // reset_h is the first block of aux rows this wide
  int64_t first_gate() const { return std::min(r, z); }
  int64_t reset_ld(int64_t H) const { return aux_blocks * H; }
};

// Half 1: r and z blocks hold their full pre-activations; writes r, z and
// reset_h = r * h_prev (zero for inactive rows).
template <typename T>
void reset_gates_step(const StepRows& s, const ResetLayout& L, T* gates, const T* h_prev, T* reset_h) {
  const int64_t H = s.hidden, GH = L.gates * H;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* rh = reset_h + b * L.reset_ld(H);
    if (!s.active(b)) {
      std::fill_n(rh, H, T(0));
      continue;
    }
    T* gr = gates + b * GH + L.r * H;
    T* gz = gates + b * GH + L.z * H;
    const T* hp = h_prev + b * H;
    if constexpr (std::is_same_v<T, float>) {
      if (rows::vectorised()) {
        T* first = gates + b * GH + L.first_gate() * H;
        rows::sigmoid(first, first, 2 * H);
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

// Half 2: the n block now holds its full pre-activation; writes n, h and y.
template <typename T, bool ZKeepsState>
void reset_state_step(const StepRows& s, const ResetLayout& L, T* gates, const T* h_prev, T* h_out, T* y,
                      int64_t y_stride) {
  const int64_t H = s.hidden, GH = L.gates * H;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) {
      carry_inactive_row(s, b, h_prev, h_out, y, y_stride);
      continue;
    }
    const T* gz = gates + b * GH + L.z * H;
    T* gn = gates + b * GH + L.n * H;
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
      const T keep = ZKeepsState ? gz[j] : T(1) - gz[j];  // the weight of h_prev
      const T h = (T(1) - keep) * n + keep * hp[j];
      gn[j] = n;
      ho[j] = h;
      yo[j] = h;
    }
  }
}

// Backward half 1: the z and n gate gradients and the direct dh_prev (keep * dh).
template <typename T, bool ZKeepsState>
void reset_backward_zn(const StepRows& s, const ResetLayout& L, const T* gates, const T* h_prev, const T* grad_y,
                       int64_t y_stride, T* grad_h, T* grad_gates) {
  const int64_t H = s.hidden, GH = L.gates * H;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* dg = grad_gates + b * GH;
    if (!s.active(b)) {
      std::fill_n(dg, GH, T(0));
      continue;
    }
    const T* gz = gates + b * GH + L.z * H;
    const T* gn = gates + b * GH + L.n * H;
    const T* hp = h_prev + b * H;
    const T* dy = grad_y ? grad_y + b * y_stride : nullptr;
    T* dh = grad_h + b * H;
    T* dz = dg + L.z * H;
    T* dn = dg + L.n * H;
    for (int64_t j = 0; j < H; ++j) {
      const T dh_total = dh[j] + (dy ? dy[j] : T(0));
      const T z = gz[j], n = gn[j];
      const T keep = ZKeepsState ? z : T(1) - z;
      // dh/dz = +-(h_prev - n): plus when z keeps the state.
      const T dh_dz = ZKeepsState ? hp[j] - n : n - hp[j];
      dz[j] = dh_total * dh_dz * z * (T(1) - z);
      dn[j] = dh_total * (T(1) - keep) * (T(1) - n * n);
      dh[j] = dh_total * keep;
    }
  }
}

// Backward half 2: grad_reset_h = dL/d(r * h_prev) from the driver's product
// with W_hn; yields the r gate gradient and adds r * grad_reset_h to dh_prev.
template <typename T>
void reset_backward_r(const StepRows& s, const ResetLayout& L, const T* gates, const T* h_prev,
                      const T* grad_reset_h, T* grad_h, T* grad_gates) {
  const int64_t H = s.hidden, GH = L.gates * H;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) continue;  // its r block was zeroed by half 1
    const T* gr = gates + b * GH + L.r * H;
    const T* hp = h_prev + b * H;
    const T* drh = grad_reset_h + b * H;
    T* dr = grad_gates + b * GH + L.r * H;
    T* dh = grad_h + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T r = gr[j];
      dr[j] = drh[j] * hp[j] * r * (T(1) - r);
      dh[j] += drh[j] * r;
    }
  }
}

}  // namespace recur::kernels

namespace recur {

// A step of such a cell after its z and r products have gone into the gates:
// the reset, the product of reset_h (aux) with W_hn, the state update.
template <typename T, bool ZKeepsState>
void reset_before_forward(const ForwardStep<T>& s, const kernels::ResetLayout& L) {
  const int64_t B = s.rows.batch, H = s.rows.hidden;
  kernels::reset_gates_step(s.rows, L, s.gates, s.h_prev, s.aux);
  hidden_product(B, H, s.aux, s.w_hh, L.w_n, 1, T(1), s.gates + L.n * H, L.gates * H, L.reset_ld(H));
  kernels::reset_state_step<T, ZKeepsState>(s.rows, L, s.gates, s.h_prev, s.h_out, s.y, s.y_stride);
}

// Its mirror, up to the gradients of the z and r products (the cell's own):
// leaves the z, n and r gate gradients and dh_prev but for the z and r products.
template <typename T, bool ZKeepsState>
void reset_before_backward(const BackwardStep<T>& s, const kernels::ResetLayout& L) {
  const int64_t B = s.rows.batch, H = s.rows.hidden, GH = L.gates * H;
  T* grad_reset_h = s.scratch;  // [B, H]
  kernels::reset_backward_zn<T, ZKeepsState>(s.rows, L, s.gates, s.h_prev, s.grad_y, s.y_stride, s.grad_h,
                                             s.grad_gates);
  hidden_product_back(B, H, s.grad_gates + L.n * H, GH, s.w_hh, L.w_n, 1, T(0), grad_reset_h);
  kernels::reset_backward_r(s.rows, L, s.gates, s.h_prev, grad_reset_h, s.grad_h, s.grad_gates);
}

// W_hn's gradient: it multiplied reset_h (aux) into the n block.
template <typename T>
void reset_hidden_gradients(const HiddenGradients<T>& g, const kernels::ResetLayout& L) {
  hidden_block_gradients(g, L.n, L.w_n, 1, g.aux, L.reset_ld(g.hidden));
}

}  // namespace recur
