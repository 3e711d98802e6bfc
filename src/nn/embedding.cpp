#include "recur/embedding.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace recur {

template <typename T>
Embedding<T>::Embedding(int64_t num_embeddings, int64_t embedding_dim, Rng& rng)
    : weight_("weight", {num_embeddings, embedding_dim}) {
  if (num_embeddings <= 0 || embedding_dim <= 0)
    throw std::invalid_argument("Embedding needs positive sizes, got num=" + std::to_string(num_embeddings) +
                                " dim=" + std::to_string(embedding_dim));
  for (int64_t i = 0; i < weight_.value.numel(); ++i) weight_.value[i] = T(rng.normal());
}

template <typename T>
ParameterList<T> Embedding<T>::parameters() {
  return {&weight_};
}

template <typename T>
void Embedding<T>::forward(std::span<const int64_t> indices, Tensor<T>& y) {
  const int64_t dim = embedding_dim(), num = num_embeddings();
  const int64_t n = static_cast<int64_t>(indices.size());
  y.resize({n, dim});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t index = indices[i];
    if (index < 0 || index >= num)
      throw std::out_of_range("embedding index " + std::to_string(index) + " is outside [0, " + std::to_string(num) +
                              ")");
    std::memcpy(y.data() + i * dim, weight_.value.data() + index * dim, sizeof(T) * dim);
  }
  indices_.assign(indices.begin(), indices.end());
}

template <typename T>
void Embedding<T>::backward(const Tensor<T>& grad_y) {
  const int64_t dim = embedding_dim();
  const int64_t n = static_cast<int64_t>(indices_.size());
  if (grad_y.numel() != n * dim)
    throw std::invalid_argument("Embedding grad_y has shape " + shape_string(grad_y.shape()) + ", expected [" +
                                std::to_string(n) + ", " + std::to_string(dim) + "]");
  for (int64_t i = 0; i < n; ++i) {
    T* row = weight_.grad.data() + indices_[i] * dim;
    const T* g = grad_y.data() + i * dim;
    for (int64_t j = 0; j < dim; ++j) row[j] += g[j];
  }
}

template class Embedding<float>;
template class Embedding<double>;

}  // namespace recur
