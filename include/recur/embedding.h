// Embedding: index -> row of a table, PyTorch's nn.Embedding (weight [num, dim], init N(0, 1)).
#pragma once

#include <span>

#include "recur/parameter.h"
#include "recur/rng.h"

namespace recur {

template <typename T>
class Embedding {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, Rng& rng);

  int64_t num_embeddings() const { return weight_.value.dim(0); }
  int64_t embedding_dim() const { return weight_.value.dim(1); }
  ParameterList<T> parameters();

  // indices (any count N, each in [0, num)) -> y [N, dim], reshaped to `shape` + [dim]
  // by the caller if wanted. Throws std::out_of_range on a bad index.
  void forward(std::span<const int64_t> indices, Tensor<T>& y);
  // Scatters grad_y [N, dim] into the rows of the weight gradient (adds).
  void backward(const Tensor<T>& grad_y);

 private:
  Parameter<T> weight_;
  std::vector<int64_t> indices_;
};

}  // namespace recur
