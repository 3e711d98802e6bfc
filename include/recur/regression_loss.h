// Regression losses for real-valued targets (`--loss mse|mae|huber`), as
// PyTorch's nn.MSELoss, nn.L1Loss and nn.HuberLoss compute them with
// reduction="mean": the mean over every element of the prediction.
//
//   d = prediction - target
//   mse    d^2                                   grad 2d / n
//   mae    |d|                                   grad sign(d) / n   (0 at d = 0, as PyTorch)
//   huber  d^2 / 2           where |d| <= delta  grad d / n
//          delta (|d| - delta / 2) elsewhere     grad delta sign(d) / n
// Huber is quadratic near zero and linear beyond delta: an MSE that a few
// large errors (outliers, spikes of PM2.5) cannot dominate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "recur/tensor.h"

namespace recur {

enum class RegressionLoss { Mse, Mae, Huber };

// "mse", "mae", "huber" and back; std::invalid_argument naming the accepted names otherwise.
RegressionLoss parse_regression_loss(std::string_view name);
std::string regression_loss_name(RegressionLoss loss);

struct RegressionLossResult {
  double sum = 0;     // summed over the elements
  int64_t count = 0;  // elements
  double mean() const { return count > 0 ? sum / static_cast<double>(count) : 0.0; }
};

// The loss of `prediction` against `target` (same shape, not empty; else
// std::invalid_argument). Writes grad_prediction = d(mean loss)/d(prediction)
// (resized to the prediction's shape) when it is non-null (T is deduced from
// the prediction, so nullptr needs no cast). `huber_delta` > 0.
template <typename T>
RegressionLossResult regression_loss(RegressionLoss loss, const Tensor<T>& prediction, const Tensor<T>& target,
                                     std::type_identity_t<Tensor<T>>* grad_prediction, double huber_delta = 1.0);

}  // namespace recur
