#include "recur/dropout.h"

#include <stdexcept>
#include <string>

namespace recur {

template <typename T>
Dropout<T>::Dropout(double probability) : probability_(probability) {
  if (!(probability >= 0.0 && probability < 1.0))
    throw std::invalid_argument("dropout must be in [0, 1), got " + std::to_string(probability));
}

template <typename T>
void Dropout<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training, Rng* rng) {
  active_ = training && probability_ > 0.0;
  if (&y != &x) y.resize(x.shape());
  if (!active_) {
    if (&y != &x) std::copy(x.data(), x.data() + x.numel(), y.data());
    return;
  }
  if (rng == nullptr) throw std::invalid_argument("training with dropout needs an Rng");
  const T keep_scale = T(1) / T(1 - probability_);
  mask_.resize(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    mask_[i] = rng->uniform() < probability_ ? T(0) : keep_scale;
    y[i] = x[i] * mask_[i];
  }
}

template <typename T>
void Dropout<T>::backward(const Tensor<T>& grad_y, Tensor<T>& grad_x) const {
  if (&grad_x != &grad_y) grad_x.resize(grad_y.shape());
  if (!active_) {
    if (&grad_x != &grad_y) std::copy(grad_y.data(), grad_y.data() + grad_y.numel(), grad_x.data());
    return;
  }
  for (int64_t i = 0; i < grad_y.numel(); ++i) grad_x[i] = grad_y[i] * mask_[i];
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace recur
