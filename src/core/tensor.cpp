#include "recur/tensor.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace recur {

int64_t shape_numel(const Shape& shape) {
  for (int64_t d : shape)
    if (d < 0) throw std::invalid_argument("negative dimension in shape " + shape_string(shape));
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (n > std::numeric_limits<int64_t>::max() / d)
      throw std::invalid_argument("shape " + shape_string(shape) + " has more elements than int64 can count");
    n *= d;
  }
  return n;
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

template <typename T>
void Tensor<T>::reshape(const Shape& shape) {
  if (shape_numel(shape) != numel())
    throw std::invalid_argument("cannot reshape " + shape_string(shape_) + " to " + shape_string(shape));
  shape_ = shape;
}

template <typename T>
Tensor<T> swap_leading_axes(const Tensor<T>& x) {
  if (x.rank() < 2) throw std::invalid_argument("swap_leading_axes needs rank >= 2, got " + shape_string(x.shape()));
  Shape shape = x.shape();
  std::swap(shape[0], shape[1]);
  Tensor<T> y(shape);
  const int64_t d0 = x.dim(0), d1 = x.dim(1);
  const int64_t inner = d0 * d1 == 0 ? 0 : x.numel() / (d0 * d1);
  for (int64_t i = 0; i < d0; ++i)
    for (int64_t j = 0; j < d1; ++j)
      std::memcpy(y.data() + (j * d0 + i) * inner, x.data() + (i * d1 + j) * inner, sizeof(T) * inner);
  return y;
}

template class Tensor<float>;
template class Tensor<double>;
template Tensor<float> swap_leading_axes(const Tensor<float>&);
template Tensor<double> swap_leading_axes(const Tensor<double>&);

}  // namespace recur
