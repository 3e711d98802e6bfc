// Dropout: in training, zero each element with probability p and scale the
// rest by 1/(1-p) (inverted dropout, as PyTorch); in evaluation, the identity.
#pragma once

#include "recur/rng.h"
#include "recur/tensor.h"

namespace recur {

template <typename T>
class Dropout {
 public:
  explicit Dropout(double probability = 0.0);
  double probability() const { return probability_; }

  // y may be x itself. Draws from rng only when training with p > 0.
  void forward(const Tensor<T>& x, Tensor<T>& y, bool training, Rng* rng);
  // grad_x may be grad_y itself.
  void backward(const Tensor<T>& grad_y, Tensor<T>& grad_x) const;

 private:
  double probability_;
  bool active_ = false;  // whether the last forward dropped anything
  Tensor<T> mask_;       // 0 or 1/(1-p)
};

}  // namespace recur
