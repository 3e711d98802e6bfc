// The vanilla (Elman) RNN, tanh or ReLU: h = act(W_ih x + b_ih + W_hh h_prev + b_hh).
// One gate block; its gates buffer keeps h itself as the "activation".
#include "nn/cells/cells.h"

namespace recur::kernels {

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

}  // namespace recur::kernels

namespace recur {
namespace {

template <typename T, bool Relu>
struct RnnSteps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    hidden_product(B, H, s.h_prev, s.w_hh, 0, 1, T(1), s.gates, H);
    kernels::rnn_forward_step<T, Relu>(s.rows, s.gates, s.h_prev, s.h_out, s.y, s.y_stride);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    kernels::rnn_backward_step<T, Relu>(s.rows, s.gates, s.grad_y, s.y_stride, s.grad_h, s.grad_gates);
    hidden_product_back(B, H, s.grad_gates_h, H, s.w_hh, 0, 1, T(1), s.grad_h);
  }
};

template <typename T>
using TanhSteps = RnnSteps<T, false>;
template <typename T>
using ReluSteps = RnnSteps<T, true>;

template <bool Relu>
CellSpec rnn_spec() {
  return {.info = {.kind = Relu ? CellKind::RnnRelu : CellKind::RnnTanh,
                   .name = Relu ? "rnn_relu" : "rnn_tanh",
                   .alias = Relu ? "" : "rnn",
                   .gates = 1,
                   .input_blocks = 1,
                   .hidden_blocks = 1,
                   .cell_state = false},
          .folded_hh_bias_blocks = 1,
          .onednn = Relu ? OnednnCell::VanillaRelu : OnednnCell::VanillaTanh,
          .float_steps = Relu ? cell_steps<ReluSteps, float>() : cell_steps<TanhSteps, float>(),
          .double_steps = Relu ? cell_steps<ReluSteps, double>() : cell_steps<TanhSteps, double>()};
}

}  // namespace

const CellSpec& rnn_tanh_cell() {
  static const CellSpec spec = rnn_spec<false>();
  return spec;
}

const CellSpec& rnn_relu_cell() {
  static const CellSpec spec = rnn_spec<true>();
  return spec;
}

}  // namespace recur
