// The LSTM (PyTorch's nn.LSTM), gates i, f, g, o:
//   [i f g o] = W_ih x + b_ih + W_hh h_prev + b_hh,
//   c = s(f) * c_prev + s(i) * tanh(g),  h = s(o) * tanh(c)
// It carries the cell state c; its gates buffer keeps the activations.
#include "nn/cells/cells.h"

namespace recur::kernels {

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

}  // namespace recur::kernels

namespace recur {
namespace {

template <typename T>
struct LstmSteps {
  static void forward(const ForwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    hidden_product(B, H, s.h_prev, s.w_hh, 0, 4, T(1), s.gates, 4 * H);
    // c is read and written element by element at the same index: c_out may be c_prev.
    kernels::lstm_forward_step(s.rows, s.gates, s.h_prev, s.c_prev, s.h_out, s.c_out, s.y, s.y_stride);
  }

  static void backward(const BackwardStep<T>& s) {
    const int64_t B = s.rows.batch, H = s.rows.hidden;
    kernels::lstm_backward_step(s.rows, s.gates, s.c_prev, s.c_now, s.grad_y, s.y_stride, s.grad_h, s.grad_c,
                                s.grad_gates);
    hidden_product_back(B, H, s.grad_gates_h, 4 * H, s.w_hh, 0, 4, T(1), s.grad_h);
  }
};

}  // namespace

const CellSpec& lstm_cell() {
  static const CellSpec spec{
      .info = {.kind = CellKind::Lstm, .name = "lstm", .alias = "", .gates = 4, .input_blocks = 4,
               .hidden_blocks = 4, .cell_state = true,
               .gate_blocks = {{{"input", true}, {"forget", true}, {"cell", false}, {"output", true}}}},
      .folded_hh_bias_blocks = 4,
      .onednn = OnednnCell::Lstm,
      .float_steps = cell_steps<LstmSteps, float>(),
      .double_steps = cell_steps<LstmSteps, double>()};
  return spec;
}

}  // namespace recur
