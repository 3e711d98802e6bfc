#include "recur/recurrent_stepper.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "nn/cell.h"
#include "nn/input_projection.h"

namespace recur {

template <typename T>
RecurrentStepper<T>::RecurrentStepper(Recurrent<T>& layer)
    : options_(layer.options()), cell_(&cell_spec(options_.cell, options_.gru_reset)) {
  if (options_.bidirectional)
    throw std::invalid_argument("step-by-step generation needs a unidirectional recurrent stack");
  const int64_t H = options_.hidden_size;
  for (int64_t l = 0; l < options_.num_layers; ++l) {
    // Names only: weight_ih, weight_hh, then bias_ih, bias_hh where the layer has biases.
    const std::vector<UnitParameter> names =
        unit_parameters(options_.cell, l, false, l == 0 ? options_.input_size : H, H, options_.bias);
    layers_.push_back({&layer.parameter(names[0].name), &layer.parameter(names[1].name),
                       options_.bias ? &layer.parameter(names[2].name) : nullptr,
                       options_.bias ? &layer.parameter(names[3].name) : nullptr});
  }
}

template <typename T>
RecurrentState<T> RecurrentStepper<T>::initial_state(int64_t batch) const {
  const Shape shape{options_.num_layers, batch, options_.hidden_size};
  return {Tensor<T>(shape), cell_->info.cell_state ? Tensor<T>(shape) : Tensor<T>()};
}

template <typename T>
void RecurrentStepper<T>::project(const LayerWeights& w, const T* x, int64_t rows, int64_t in, T* out) const {
  // As in training (input_projection.h); bias_row_ is a workspace.
  project_inputs<T>(*cell_, options_.hidden_size,
                    {w.weight_ih->value.data(), w.bias_ih ? w.bias_ih->value.data() : nullptr,
                     w.bias_hh ? w.bias_hh->value.data() : nullptr},
                    x, rows, in, bias_row_, out);
}

template <typename T>
void RecurrentStepper<T>::project_input(const T* x, int64_t rows, T* out) const {
  project(layers_[0], x, rows, options_.input_size, out);
}

template <typename T>
const T* RecurrentStepper<T>::step(const T* x, int64_t batch, RecurrentState<T>& state) {
  projected_.resize({batch, gate_count(options_.cell) * options_.hidden_size});
  project_input(x, batch, projected_.data());
  return step_projected(projected_.data(), batch, state);
}

template <typename T>
const T* RecurrentStepper<T>::step_projected(const T* projected, int64_t batch, RecurrentState<T>& state) {
  gates_.resize({batch, gate_count(options_.cell) * options_.hidden_size});
  std::memcpy(gates_.data(), projected, sizeof(T) * gates_.numel());
  return run_layers(batch, state, nullptr);
}

template <typename T>
const T* RecurrentStepper<T>::step_table(const T* table, int64_t table_rows, std::span<const int64_t> rows,
                                         RecurrentState<T>& state) {
  const int64_t batch = static_cast<int64_t>(rows.size()), GH = gate_count(options_.cell) * options_.hidden_size;
  gates_.resize({batch, GH});
  for (int64_t r = 0; r < batch; ++r) {
    if (rows[r] < 0 || rows[r] >= table_rows)
      throw std::out_of_range("generation: table row " + std::to_string(rows[r]) + " out of range");
    std::memcpy(gates_.data() + r * GH, table + rows[r] * GH, sizeof(T) * GH);
  }
  return run_layers(batch, state, nullptr);
}

template <typename T>
const T* RecurrentStepper<T>::step_observed(const T* x, int64_t batch, RecurrentState<T>& state,
                                            const LayerObserver& observe) {
  gates_.resize({batch, gate_count(options_.cell) * options_.hidden_size});
  project_input(x, batch, gates_.data());
  return run_layers(batch, state, &observe);
}

// The layers of one step; layer 0's projected input is in gates_.
template <typename T>
const T* RecurrentStepper<T>::run_layers(int64_t batch, RecurrentState<T>& state, const LayerObserver* observe) {
  const int64_t H = options_.hidden_size, slot = batch * H;
  const Shape state_shape{options_.num_layers, batch, H};
  if (state.h.shape() != state_shape)
    throw std::invalid_argument("generation state h must be " + shape_string(state_shape) + ", got " +
                                shape_string(state.h.shape()));
  if (cell_->info.cell_state && state.c.shape() != state_shape)
    throw std::invalid_argument("generation state c must be " + shape_string(state_shape));
  for (int64_t l = 0; l < options_.num_layers; ++l) {
    T* h = state.h.data() + l * slot;
    T* c = state.c.empty() ? nullptr : state.c.data() + l * slot;
    if (l > 0) project(layers_[l], state.h.data() + (l - 1) * slot, batch, H, gates_.data());
    recur_layer(layers_[l], batch, gates_.data(), h, c);
    if (observe) (*observe)(l, gates_.data(), h, c);
  }
  return state.h.data() + (options_.num_layers - 1) * slot;
}

template <typename T>
void RecurrentStepper<T>::recur_layer(const LayerWeights& w, int64_t batch, T* gates, T* h, T* c) {
  const int64_t H = options_.hidden_size;
  next_h_.resize({batch, H});
  aux_.resize({std::max<int64_t>(1, batch * cell_->aux_blocks * H)});
  step_scratch_.resize({std::max<int64_t>(1, batch * cell_->scratch_blocks * H)});
  T* h_next = next_h_.data();
  // c is updated in place: a cell reads and writes it element by element at the same index.
  cell_->steps<T>().forward({.rows = {batch, H, nullptr, 0},
                             .w_hh = w.weight_hh->value.data(),
                             .b_hh = w.bias_hh ? w.bias_hh->value.data() : nullptr,
                             .gates = gates,
                             .h_prev = h,
                             .h_out = h_next,
                             .c_prev = c,
                             .c_out = c,
                             .aux = aux_.data(),
                             .scratch = step_scratch_.data(),
                             .y = h_next,
                             .y_stride = H});
  std::memcpy(h, h_next, sizeof(T) * batch * H);
}

template class RecurrentStepper<float>;
template class RecurrentStepper<double>;

}  // namespace recur
