#include "recur/linear.h"

#include <cmath>
#include <stdexcept>

#include "recur/gemm.h"

namespace recur {

template <typename T>
Linear<T>::Linear(int64_t in_features, int64_t out_features, Rng& rng, bool bias)
    : weight_("weight", {out_features, in_features}), has_bias_(bias) {
  if (in_features <= 0 || out_features <= 0)
    throw std::invalid_argument("Linear needs positive sizes, got in=" + std::to_string(in_features) +
                                " out=" + std::to_string(out_features));
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
  for (int64_t i = 0; i < weight_.value.numel(); ++i) weight_.value[i] = T(rng.uniform(-bound, bound));
  if (has_bias_) {
    bias_ = Parameter<T>("bias", {out_features});
    for (int64_t i = 0; i < out_features; ++i) bias_.value[i] = T(rng.uniform(-bound, bound));
  }
}

template <typename T>
ParameterList<T> Linear<T>::parameters() {
  ParameterList<T> list{&weight_};
  if (has_bias_) list.push_back(&bias_);
  return list;
}

template <typename T>
void Linear<T>::forward(const Tensor<T>& x, Tensor<T>& y) {
  const int64_t in = in_features(), out = out_features();
  if (x.rank() < 1 || x.shape().back() != in)
    throw std::invalid_argument("Linear expects [..., " + std::to_string(in) + "], got " + shape_string(x.shape()));
  const int64_t rows = x.numel() / in;
  Shape shape = x.shape();
  shape.back() = out;
  y.resize(shape);
  T beta = T(0);
  if (has_bias_) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < out; ++j) y[r * out + j] = bias_.value[j];
    beta = T(1);
  }
  gemm<T>(Transpose::No, Transpose::Yes, rows, out, in, T(1), x.data(), in, weight_.value.data(), in, beta, y.data(),
          out);
  input_ = &x;
}

template <typename T>
void Linear<T>::backward_parameters(const Tensor<T>& grad_y) {
  if (input_ == nullptr) throw std::logic_error("Linear::backward called before forward");
  const int64_t in = in_features(), out = out_features();
  const int64_t rows = input_->numel() / in;
  if (grad_y.numel() != rows * out)
    throw std::invalid_argument("Linear grad_y has shape " + shape_string(grad_y.shape()) + ", expected " +
                                std::to_string(rows) + " rows of " + std::to_string(out));
  gemm<T>(Transpose::Yes, Transpose::No, out, in, rows, T(1), grad_y.data(), out, input_->data(), in, T(1),
          weight_.grad.data(), in);
  if (has_bias_)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < out; ++j) bias_.grad[j] += grad_y[r * out + j];
}

template <typename T>
void Linear<T>::backward(const Tensor<T>& grad_y, Tensor<T>& grad_x) {
  backward_parameters(grad_y);
  const int64_t in = in_features(), out = out_features();
  const int64_t rows = input_->numel() / in;
  grad_x.resize(input_->shape());
  gemm<T>(Transpose::No, Transpose::No, rows, in, out, T(1), grad_y.data(), out, weight_.value.data(), in, T(0),
          grad_x.data(), in);
}

template class Linear<float>;
template class Linear<double>;

}  // namespace recur
