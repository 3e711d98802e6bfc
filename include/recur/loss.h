// Losses with their gradients, as PyTorch computes them.
#pragma once

#include <cstdint>
#include <span>

#include "recur/tensor.h"

namespace recur {

// Softmax cross-entropy over logits [N, C] with targets [N] (class indices).
// Targets equal to ignore_index contribute nothing; the loss is the mean over
// the others (PyTorch's reduction="mean"), 0 when all are ignored.
// Writes grad_logits [N, C] = d(loss)/d(logits) when it is non-null.
template <typename T>
struct CrossEntropyResult {
  T loss = 0;            // mean over counted targets
  double sum_loss = 0;   // sum over counted targets (for exact averages across batches)
  int64_t count = 0;     // targets counted
};
template <typename T>
CrossEntropyResult<T> softmax_cross_entropy(const Tensor<T>& logits, std::span<const int64_t> targets,
                                            Tensor<T>* grad_logits, int64_t ignore_index = -100);

// Mean squared error over all elements: mean((prediction - target)^2)
// (regression_loss.h has it with MAE and Huber).
template <typename T>
T mean_squared_error(const Tensor<T>& prediction, const Tensor<T>& target, Tensor<T>* grad_prediction);

}  // namespace recur
