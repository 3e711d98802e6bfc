#include "recur/loss.h"

#include "recur/regression_loss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

template <typename T>
CrossEntropyResult<T> softmax_cross_entropy(const Tensor<T>& logits, std::span<const int64_t> targets,
                                            Tensor<T>* grad_logits, int64_t ignore_index) {
  if (logits.rank() != 2) throw std::invalid_argument("cross-entropy logits must be [N, C], got " +
                                                      shape_string(logits.shape()));
  const int64_t N = logits.dim(0), C = logits.dim(1);
  if (static_cast<int64_t>(targets.size()) != N)
    throw std::invalid_argument("cross-entropy has " + std::to_string(targets.size()) + " targets for " +
                                std::to_string(N) + " rows of logits");
  CrossEntropyResult<T> result;
  for (int64_t n = 0; n < N; ++n) {
    const int64_t target = targets[n];
    if (target == ignore_index) continue;
    if (target < 0 || target >= C)
      throw std::out_of_range("cross-entropy target " + std::to_string(target) + " is outside [0, " +
                              std::to_string(C) + ")");
    ++result.count;
  }
  if (grad_logits) grad_logits->resize({N, C});
  // Each row is the mean's 1/count share of the gradient.
  const T share = result.count > 0 ? T(1) / T(result.count) : T(0);
  for (int64_t n = 0; n < N; ++n) {
    const T* z = logits.data() + n * C;
    const int64_t target = targets[n];
    if (target == ignore_index) {
      if (grad_logits) std::fill_n(grad_logits->data() + n * C, C, T(0));
      continue;
    }
    // log-sum-exp shifted by the maximum, so large logits do not overflow.
    const T max_logit = *std::max_element(z, z + C);
    T sum = T(0);
    for (int64_t c = 0; c < C; ++c) sum += std::exp(z[c] - max_logit);
    const T log_sum = std::log(sum) + max_logit;
    result.sum_loss += static_cast<double>(log_sum - z[target]);
    if (grad_logits) {
      T* g = grad_logits->data() + n * C;
      for (int64_t c = 0; c < C; ++c) g[c] = std::exp(z[c] - log_sum) * share;
      g[target] -= share;
    }
  }
  result.loss = result.count > 0 ? T(result.sum_loss / static_cast<double>(result.count)) : T(0);
  return result;
}

template <typename T>
T mean_squared_error(const Tensor<T>& prediction, const Tensor<T>& target, Tensor<T>* grad_prediction) {
  return static_cast<T>(regression_loss(RegressionLoss::Mse, prediction, target, grad_prediction).mean());
}

template struct CrossEntropyResult<float>;
template struct CrossEntropyResult<double>;
template CrossEntropyResult<float> softmax_cross_entropy(const Tensor<float>&, std::span<const int64_t>,
                                                         Tensor<float>*, int64_t);
template CrossEntropyResult<double> softmax_cross_entropy(const Tensor<double>&, std::span<const int64_t>,
                                                          Tensor<double>*, int64_t);
template float mean_squared_error(const Tensor<float>&, const Tensor<float>&, Tensor<float>*);
template double mean_squared_error(const Tensor<double>&, const Tensor<double>&, Tensor<double>*);

}  // namespace recur
