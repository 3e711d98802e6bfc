// The fused pointwise kernels of one time step, one pair (forward, backward)
// per cell. The driver (recurrent.cpp) does every matrix product; a kernel only
// turns the gate pre-activations of a step into activations and the new state,
// or, going back, the state gradient into gate gradients.
//
// Shapes, for one step over a batch of B rows and H hidden units:
//   gates     [B, G*H]  pre-activations in, activations out (forward);
//                       activations in (backward)
//   h, c      [B, H]    states (prev = before the step, out = after it)
//   y         [B, H] with row stride y_stride: the layer output slot of this
//             direction; written as zero where the row is inactive
//   grad_*    same shapes as what they are the gradient of
//
// A row b is active at time t when t < lengths[b] (lengths == nullptr: always).
// An inactive row carries its state through unchanged and produces zero
// output, which is how packed-sequence semantics come out of a dense batch;
// going back, its gate gradients are zero and the state gradient passes through.
//
// Backward convention: grad_h holds dL/dh_t (from the future) on entry and the
// *direct* part of dL/dh_{t-1} on exit (the part not through W_hh); the driver
// then adds grad_gates_h x W_hh. grad_c likewise for the LSTM cell state.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "nn/cell_rows.h"

namespace recur::kernels {

// Below this many elements per step a parallel region costs more than it saves.
inline constexpr int64_t kParallelElements = 32768;

struct StepRows {
  int64_t batch;
  int64_t hidden;
  const int64_t* lengths;  // nullptr: every row active
  int64_t t;               // the time index of this step
  bool active(int64_t b) const { return lengths == nullptr || t < lengths[b]; }
  bool parallel() const { return batch > 1 && batch * hidden >= kParallelElements; }
};

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

template <typename T>
inline void carry_inactive_row(const StepRows& s, int64_t b, const T* h_prev, T* h_out, T* y, int64_t y_stride) {
  const int64_t H = s.hidden;
  std::memcpy(h_out + b * H, h_prev + b * H, sizeof(T) * H);
  std::fill_n(y + b * y_stride, H, T(0));
}

// ---------------------------------------------------------------- vanilla RNN
// h = act(pre); the gates buffer keeps h itself as the "activation".
template <typename T, bool Relu>
void rnn_forward_step(const StepRows& s, T* gates, const T* h_prev, T* h_out, T* y, int64_t y_stride) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) {
      carry_inactive_row(s, b, h_prev, h_out, y, y_stride);
      continue;
    }
    T* g = gates + b * H;
    T* ho = h_out + b * H;
    T* yo = y + b * y_stride;
    if constexpr (std::is_same_v<T, float> && !Relu) {
      if (rows::vectorised()) {
        rows::rnn_tanh_forward(g, ho, yo, H);
        continue;
      }
    }
    for (int64_t j = 0; j < H; ++j) {
      const T h = Relu ? std::max(g[j], T(0)) : std::tanh(g[j]);
      g[j] = h;
      ho[j] = h;
      yo[j] = h;
    }
  }
}

template <typename T, bool Relu>
void rnn_backward_step(const StepRows& s, const T* gates, const T* grad_y, int64_t y_stride, T* grad_h,
                       T* grad_gates) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* dg = grad_gates + b * H;
    if (!s.active(b)) {
      std::fill_n(dg, H, T(0));
      continue;
    }
    const T* h = gates + b * H;
    const T* dy = grad_y ? grad_y + b * y_stride : nullptr;
    T* dh = grad_h + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T dh_total = dh[j] + (dy ? dy[j] : T(0));
      const T derivative = Relu ? (h[j] > T(0) ? T(1) : T(0)) : T(1) - h[j] * h[j];
      dg[j] = dh_total * derivative;
      dh[j] = T(0);  // everything flows through W_hh
    }
  }
}

// ----------------------------------------------------------------------- LSTM
// Gates i, f, g, o (PyTorch order):
//   c = f * c_prev + i * g,  h = o * tanh(c)
template <typename T>
void lstm_forward_step(const StepRows& s, T* gates, const T* h_prev, const T* c_prev, T* h_out, T* c_out, T* y,
                       int64_t y_stride) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    if (!s.active(b)) {
      carry_inactive_row(s, b, h_prev, h_out, y, y_stride);
      std::memcpy(c_out + b * H, c_prev + b * H, sizeof(T) * H);
      continue;
    }
    T* gi = gates + b * 4 * H;
    T* gf = gi + H;
    T* gg = gi + 2 * H;
    T* go = gi + 3 * H;
    const T* cp = c_prev + b * H;
    T* co = c_out + b * H;
    T* ho = h_out + b * H;
    T* yo = y + b * y_stride;
    if constexpr (std::is_same_v<T, float>) {
      if (rows::vectorised()) {
        rows::lstm_forward(gi, cp, co, ho, yo, H);
        continue;
      }
    }
    for (int64_t j = 0; j < H; ++j) {
      const T i = sigmoid(gi[j]);
      const T f = sigmoid(gf[j]);
      const T g = std::tanh(gg[j]);
      const T o = sigmoid(go[j]);
      const T c = f * cp[j] + i * g;
      const T h = o * std::tanh(c);
      gi[j] = i;
      gf[j] = f;
      gg[j] = g;
      go[j] = o;
      co[j] = c;
      ho[j] = h;
      yo[j] = h;
    }
  }
}

template <typename T>
void lstm_backward_step(const StepRows& s, const T* gates, const T* c_prev, const T* c_now, const T* grad_y,
                        int64_t y_stride, T* grad_h, T* grad_c, T* grad_gates) {
  const int64_t H = s.hidden;
#pragma omp parallel for schedule(static) if (s.parallel())
  for (int64_t b = 0; b < s.batch; ++b) {
    T* dgi = grad_gates + b * 4 * H;
    if (!s.active(b)) {
      std::fill_n(dgi, 4 * H, T(0));
      continue;
    }
    T* dgf = dgi + H;
    T* dgg = dgi + 2 * H;
    T* dgo = dgi + 3 * H;
    const T* gi = gates + b * 4 * H;
    const T* gf = gi + H;
    const T* gg = gi + 2 * H;
    const T* go = gi + 3 * H;
    const T* cp = c_prev + b * H;
    const T* cn = c_now + b * H;
    const T* dy = grad_y ? grad_y + b * y_stride : nullptr;
    T* dh = grad_h + b * H;
    T* dc = grad_c + b * H;
    if constexpr (std::is_same_v<T, float>) {
      if (rows::vectorised()) {
        rows::lstm_backward(gi, cp, cn, dy, dh, dc, dgi, H);
        continue;
      }
    }
    for (int64_t j = 0; j < H; ++j) {
      const T dh_total = dh[j] + (dy ? dy[j] : T(0));
      const T i = gi[j], f = gf[j], g = gg[j], o = go[j];
      const T tanh_c = std::tanh(cn[j]);
      const T dc_total = dc[j] + dh_total * o * (T(1) - tanh_c * tanh_c);
      dgi[j] = dc_total * g * i * (T(1) - i);
      dgf[j] = dc_total * cp[j] * f * (T(1) - f);
      dgg[j] = dc_total * i * (T(1) - g * g);
      dgo[j] = dh_total * tanh_c * o * (T(1) - o);
      dc[j] = dc_total * f;
      dh[j] = T(0);
    }
  }
}

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
