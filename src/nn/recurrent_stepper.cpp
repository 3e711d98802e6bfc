#include "recur/recurrent_stepper.h"

#include <cstring>
#include <stdexcept>

#include "nn/cell_kernels.h"
#include "recur/gemm.h"

namespace recur {

template <typename T>
RecurrentStepper<T>::RecurrentStepper(Recurrent<T>& layer) : options_(layer.options()) {
  if (options_.bidirectional)
    throw std::invalid_argument("step-by-step generation needs a unidirectional recurrent stack");
  for (int64_t l = 0; l < options_.num_layers; ++l) {
    const std::string suffix = "_l" + std::to_string(l);
    layers_.push_back({&layer.parameter("weight_ih" + suffix), &layer.parameter("weight_hh" + suffix),
                       options_.bias ? &layer.parameter("bias_ih" + suffix) : nullptr,
                       options_.bias ? &layer.parameter("bias_hh" + suffix) : nullptr});
  }
}

template <typename T>
RecurrentState<T> RecurrentStepper<T>::initial_state(int64_t batch) const {
  const Shape shape{options_.num_layers, batch, options_.hidden_size};
  return {Tensor<T>(shape), options_.cell == CellKind::Lstm ? Tensor<T>(shape) : Tensor<T>()};
}

template <typename T>
void RecurrentStepper<T>::project(const LayerWeights& w, const T* x, int64_t rows, int64_t in, T* out) const {
  const int64_t H = options_.hidden_size, GH = gate_count(options_.cell) * H;
  // As in the training path: b_hh folds into the input part except the PyTorch
  // GRU's n block, where it sits inside r * (...).
  const bool keep_hn_apart = options_.cell == CellKind::Gru && options_.gru_reset == GruReset::AfterProduct;
  T beta = T(0);
  if (w.bias_ih) {
    const int64_t folded = keep_hn_apart ? 2 * H : GH;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < GH; ++j)
        out[r * GH + j] = w.bias_ih->value[j] + (j < folded ? w.bias_hh->value[j] : T(0));
    beta = T(1);
  }
  gemm<T>(Transpose::No, Transpose::Yes, rows, GH, in, T(1), x, in, w.weight_ih->value.data(), in, beta, out, GH);
}

template <typename T>
void RecurrentStepper<T>::project_input(const T* x, int64_t rows, T* out) const {
  project(layers_[0], x, rows, options_.input_size, out);
}

template <typename T>
const T* RecurrentStepper<T>::step(const T* x, int64_t batch, RecurrentState<T>& state) {
  scratch_.resize({batch, gate_count(options_.cell) * options_.hidden_size});
  project_input(x, batch, scratch_.data());
  return step_projected(scratch_.data(), batch, state);
}

template <typename T>
const T* RecurrentStepper<T>::step_projected(const T* projected, int64_t batch, RecurrentState<T>& state) {
  const int64_t H = options_.hidden_size, GH = gate_count(options_.cell) * H, slot = batch * H;
  const Shape state_shape{options_.num_layers, batch, H};
  if (state.h.shape() != state_shape)
    throw std::invalid_argument("generation state h must be " + shape_string(state_shape) + ", got " +
                                shape_string(state.h.shape()));
  if (options_.cell == CellKind::Lstm && state.c.shape() != state_shape)
    throw std::invalid_argument("generation state c must be " + shape_string(state_shape));
  gates_.resize({batch, GH});
  std::memcpy(gates_.data(), projected, sizeof(T) * batch * GH);
  for (int64_t l = 0; l < options_.num_layers; ++l) {
    T* h = state.h.data() + l * slot;
    if (l > 0) project(layers_[l], state.h.data() + (l - 1) * slot, batch, H, gates_.data());
    recur_layer(layers_[l], batch, gates_.data(), h, state.c.empty() ? nullptr : state.c.data() + l * slot);
  }
  return state.h.data() + (options_.num_layers - 1) * slot;
}

template <typename T>
void RecurrentStepper<T>::recur_layer(const LayerWeights& w, int64_t batch, T* gates, T* h, T* c) {
  const int64_t H = options_.hidden_size, GH = gate_count(options_.cell) * H;
  const T* w_hh = w.weight_hh->value.data();
  const kernels::StepRows rows{batch, H, nullptr, 0};
  next_h_.resize({batch, H});
  T* h_next = next_h_.data();
  switch (options_.cell) {
    case CellKind::RnnTanh:
    case CellKind::RnnRelu:
      gemm<T>(Transpose::No, Transpose::Yes, batch, GH, H, T(1), h, H, w_hh, H, T(1), gates, GH);
      if (options_.cell == CellKind::RnnRelu) kernels::rnn_forward_step<T, true>(rows, gates, h, h_next, h_next, H);
      else kernels::rnn_forward_step<T, false>(rows, gates, h, h_next, h_next, H);
      break;
    case CellKind::Lstm:
      gemm<T>(Transpose::No, Transpose::Yes, batch, GH, H, T(1), h, H, w_hh, H, T(1), gates, GH);
      // c is read and written element by element at the same index: in place is safe.
      kernels::lstm_forward_step(rows, gates, h, c, h_next, c, h_next, H);
      break;
    case CellKind::Gru:
      if (options_.gru_reset == GruReset::AfterProduct) {
        recurrent_.resize({batch, GH});
        recurrent_n_.resize({batch, H});
        gemm<T>(Transpose::No, Transpose::Yes, batch, GH, H, T(1), h, H, w_hh, H, T(0), recurrent_.data(), GH);
        kernels::gru_forward_step(rows, gates, recurrent_.data(), w.bias_hh ? w.bias_hh->value.data() + 2 * H : nullptr,
                                  h, recurrent_n_.data(), h_next, h_next, H);
      } else {
        recurrent_.resize({batch, H});
        gemm<T>(Transpose::No, Transpose::Yes, batch, 2 * H, H, T(1), h, H, w_hh, H, T(1), gates, GH);
        kernels::gru_reset_before_gates_step(rows, gates, h, recurrent_.data());
        gemm<T>(Transpose::No, Transpose::Yes, batch, H, H, T(1), recurrent_.data(), H, w_hh + 2 * H * H, H, T(1),
                gates + 2 * H, GH);
        kernels::gru_reset_before_state_step(rows, gates, h, h_next, h_next, H);
      }
      break;
  }
  std::memcpy(h, h_next, sizeof(T) * batch * H);
}

template class RecurrentStepper<float>;
template class RecurrentStepper<double>;

}  // namespace recur
