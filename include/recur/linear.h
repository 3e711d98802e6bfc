// Linear: y = x W^T + b over the last axis, PyTorch's nn.Linear (weight [out, in], bias [out]).
#pragma once

#include "recur/parameter.h"
#include "recur/rng.h"

namespace recur {

template <typename T>
class Linear {
 public:
  // PyTorch's default init: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)).
  Linear(int64_t in_features, int64_t out_features, Rng& rng, bool bias = true);

  int64_t in_features() const { return weight_.value.dim(1); }
  int64_t out_features() const { return weight_.value.dim(0); }
  ParameterList<T> parameters();

  // x [..., in] -> y [..., out] (y is resized). Keeps a pointer to x for backward.
  void forward(const Tensor<T>& x, Tensor<T>& y);
  // Adds to weight/bias gradients; writes grad_x (same shape as x).
  void backward(const Tensor<T>& grad_y, Tensor<T>& grad_x);
  // Parameter gradients only, when nobody needs grad_x.
  void backward_parameters(const Tensor<T>& grad_y);

 private:
  Parameter<T> weight_;
  Parameter<T> bias_;
  bool has_bias_;
  const Tensor<T>* input_ = nullptr;
};

}  // namespace recur
