#include "recur/regression_loss.h"

#include <cmath>
#include <stdexcept>

namespace recur {

RegressionLoss parse_regression_loss(std::string_view name) {
  if (name == "mse") return RegressionLoss::Mse;
  if (name == "mae") return RegressionLoss::Mae;
  if (name == "huber") return RegressionLoss::Huber;
  throw std::invalid_argument("unknown loss '" + std::string(name) + "' (expected mse, mae or huber)");
}

std::string regression_loss_name(RegressionLoss loss) {
  switch (loss) {
    case RegressionLoss::Mse: return "mse";
    case RegressionLoss::Mae: return "mae";
    case RegressionLoss::Huber: return "huber";
  }
  return "?";
}

template <typename T>
RegressionLossResult regression_loss(RegressionLoss loss, const Tensor<T>& prediction, const Tensor<T>& target,
                                     std::type_identity_t<Tensor<T>>* grad_prediction, double huber_delta) {
  if (prediction.shape() != target.shape())
    throw std::invalid_argument(regression_loss_name(loss) + " loss: prediction " + shape_string(prediction.shape()) +
                                " and target " + shape_string(target.shape()) + " differ in shape");
  const int64_t n = prediction.numel();
  if (n == 0) throw std::invalid_argument(regression_loss_name(loss) + " loss of an empty tensor");
  if (!(huber_delta > 0)) throw std::invalid_argument("huber delta must be > 0");
  if (grad_prediction) grad_prediction->resize(prediction.shape());
  const double share = 1.0 / static_cast<double>(n);  // each element's part of the mean
  RegressionLossResult result;
  result.count = n;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(prediction[i]) - static_cast<double>(target[i]);
    const double sign = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0;
    double value = 0, slope = 0;
    switch (loss) {
      case RegressionLoss::Mse:
        value = d * d;
        slope = 2 * d;
        break;
      case RegressionLoss::Mae:
        value = std::abs(d);
        slope = sign;
        break;
      case RegressionLoss::Huber:
        if (std::abs(d) <= huber_delta) {
          value = 0.5 * d * d;
          slope = d;
        } else {
          value = huber_delta * (std::abs(d) - 0.5 * huber_delta);
          slope = huber_delta * sign;
        }
        break;
    }
    result.sum += value;
    if (grad_prediction) (*grad_prediction)[i] = static_cast<T>(slope * share);
  }
  return result;
}

template RegressionLossResult regression_loss(RegressionLoss, const Tensor<float>&, const Tensor<float>&,
                                              Tensor<float>*, double);
template RegressionLossResult regression_loss(RegressionLoss, const Tensor<double>&, const Tensor<double>&,
                                              Tensor<double>*, double);

}  // namespace recur
