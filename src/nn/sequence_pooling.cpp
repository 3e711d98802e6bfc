#include "recur/sequence_pooling.h"

#include <stdexcept>

namespace recur {

std::string pooling_name(PoolingMode mode) {
  switch (mode) {
    case PoolingMode::Last: return "last";
    case PoolingMode::Mean: return "mean";
    case PoolingMode::Max: return "max";
  }
  return "?";
}

PoolingMode parse_pooling(const std::string& name) {
  if (name == "last") return PoolingMode::Last;
  if (name == "mean") return PoolingMode::Mean;
  if (name == "max") return PoolingMode::Max;
  throw std::invalid_argument("unknown pooling '" + name + "' (expected last, mean or max)");
}

template <typename T>
SequencePooling<T>::SequencePooling(PoolingMode mode, int64_t directions) : mode_(mode), directions_(directions) {
  if (directions != 1 && directions != 2) throw std::invalid_argument("pooling: directions must be 1 or 2");
}

template <typename T>
void SequencePooling<T>::forward(const Tensor<T>& input, std::span<const int64_t> lengths, Tensor<T>& output) {
  if (input.rank() != 3) throw std::invalid_argument("pooling input must be [T, B, X], got " + shape_string(input.shape()));
  const int64_t steps = input.dim(0), B = input.dim(1), X = input.dim(2);
  if (static_cast<int64_t>(lengths.size()) != B) throw std::invalid_argument("pooling needs one length per sequence");
  for (int64_t len : lengths)
    if (len < 1 || len > steps) throw std::invalid_argument("pooling: a length is outside [1, T]");
  if (X % directions_ != 0) throw std::invalid_argument("pooling: features do not split into the directions");
  input_shape_ = input.shape();
  lengths_.assign(lengths.begin(), lengths.end());
  output.resize({B, X});
  const T* x = input.data();
  T* y = output.data();
  const int64_t H = X / directions_;
  if (mode_ == PoolingMode::Max) argmax_.assign(static_cast<size_t>(B * X), 0);
  for (int64_t b = 0; b < B; ++b) {
    const int64_t len = lengths[b];
    T* out = y + b * X;
    switch (mode_) {
      case PoolingMode::Last: {
        const T* last = x + ((len - 1) * B + b) * X;
        for (int64_t j = 0; j < H; ++j) out[j] = last[j];
        const T* first = x + b * X;  // step 0: where the reverse direction ends
        for (int64_t j = H; j < X; ++j) out[j] = first[j];
        break;
      }
      case PoolingMode::Mean: {
        for (int64_t j = 0; j < X; ++j) out[j] = 0;
        for (int64_t t = 0; t < len; ++t)
          for (int64_t j = 0; j < X; ++j) out[j] += x[(t * B + b) * X + j];
        const T scale = T(1) / T(len);
        for (int64_t j = 0; j < X; ++j) out[j] *= scale;
        break;
      }
      case PoolingMode::Max: {
        int64_t* where = argmax_.data() + b * X;
        for (int64_t j = 0; j < X; ++j) out[j] = x[b * X + j];
        for (int64_t t = 1; t < len; ++t)
          for (int64_t j = 0; j < X; ++j) {
            const T v = x[(t * B + b) * X + j];
            if (v > out[j]) {
              out[j] = v;
              where[j] = t;
            }
          }
        break;
      }
    }
  }
}

template <typename T>
void SequencePooling<T>::backward(const Tensor<T>& grad_output, Tensor<T>& grad_input) const {
  const int64_t B = input_shape_.at(1), X = input_shape_.at(2), H = X / directions_;
  if (grad_output.shape() != Shape{B, X})
    throw std::invalid_argument("pooling grad_output must be " + shape_string({B, X}) + ", got " +
                                shape_string(grad_output.shape()));
  grad_input.resize(input_shape_);
  grad_input.zero();
  T* gx = grad_input.data();
  for (int64_t b = 0; b < B; ++b) {
    const int64_t len = lengths_[static_cast<size_t>(b)];
    const T* g = grad_output.data() + b * X;
    switch (mode_) {
      case PoolingMode::Last:
        for (int64_t j = 0; j < H; ++j) gx[((len - 1) * B + b) * X + j] += g[j];
        for (int64_t j = H; j < X; ++j) gx[b * X + j] += g[j];
        break;
      case PoolingMode::Mean: {
        const T scale = T(1) / T(len);
        for (int64_t t = 0; t < len; ++t)
          for (int64_t j = 0; j < X; ++j) gx[(t * B + b) * X + j] = g[j] * scale;
        break;
      }
      case PoolingMode::Max: {
        const int64_t* where = argmax_.data() + b * X;
        for (int64_t j = 0; j < X; ++j) gx[(where[j] * B + b) * X + j] = g[j];
        break;
      }
    }
  }
}

template class SequencePooling<float>;
template class SequencePooling<double>;

}  // namespace recur
