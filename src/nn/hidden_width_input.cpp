#include "recur/hidden_width_input.h"

namespace recur {

bool needs_hidden_width_projection(CellKind cell, int64_t input_size, int64_t hidden_size) {
  return cell_info(cell).input_width_is_hidden && input_size != hidden_size;
}

template <typename T>
HiddenWidthInput<T>::HiddenWidthInput(CellKind cell, int64_t input_size, int64_t hidden_size, Rng& rng)
    : output_size_(input_size) {
  if (needs_hidden_width_projection(cell, input_size, hidden_size)) {
    linear_.emplace(input_size, hidden_size, rng);
    output_size_ = hidden_size;
  }
}

template <typename T>
ParameterList<T> HiddenWidthInput<T>::parameters() {
  return linear_ ? linear_->parameters() : ParameterList<T>{};
}

template <typename T>
const Tensor<T>& HiddenWidthInput<T>::forward(const Tensor<T>& x) {
  if (!linear_) return x;
  linear_->forward(x, projected_);
  return projected_;
}

template <typename T>
const Tensor<T>& HiddenWidthInput<T>::backward(const Tensor<T>& grad_y) {
  if (!linear_) return grad_y;
  linear_->backward(grad_y, grad_x_);
  return grad_x_;
}

template class HiddenWidthInput<float>;
template class HiddenWidthInput<double>;

}  // namespace recur
