// Regression losses: values against hand-computed sums, gradients against
// central differences in double, and PyTorch's conventions at the kinks.
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "recur/regression_loss.h"
#include "recur/rng.h"

namespace recur {
namespace {

Tensor<double> tensor_of(std::initializer_list<double> values) {
  Tensor<double> t({static_cast<int64_t>(values.size())});
  int64_t i = 0;
  for (double v : values) t[i++] = v;
  return t;
}

TEST(RegressionLoss, HandComputedValues) {
  // Differences -2, -0.5, 0, 1.5.
  const Tensor<double> prediction = tensor_of({-1, 0.5, 3, 2.5});
  const Tensor<double> target = tensor_of({1, 1, 3, 1});
  EXPECT_DOUBLE_EQ(regression_loss(RegressionLoss::Mse, prediction, target, nullptr).mean(), (4 + 0.25 + 0 + 2.25) / 4);
  EXPECT_DOUBLE_EQ(regression_loss(RegressionLoss::Mae, prediction, target, nullptr).mean(), (2 + 0.5 + 0 + 1.5) / 4);
  // Huber, delta 1: 1*(2 - 0.5), 0.5*0.25, 0, 1*(1.5 - 0.5).
  EXPECT_DOUBLE_EQ(regression_loss(RegressionLoss::Huber, prediction, target, nullptr).mean(), (1.5 + 0.125 + 1.0) / 4);
  // delta 2: 2*(2 - 1), 0.125, 0, 0.5*2.25.
  EXPECT_DOUBLE_EQ(regression_loss(RegressionLoss::Huber, prediction, target, nullptr, 2.0).mean(),
                   (2.0 + 0.125 + 1.125) / 4);
  const RegressionLossResult r = regression_loss(RegressionLoss::Mse, prediction, target, nullptr);
  EXPECT_EQ(r.count, 4);
  EXPECT_DOUBLE_EQ(r.sum, 6.5);
}

TEST(RegressionLoss, GradientsAtTheKinksFollowPyTorch) {
  // A zero difference has gradient 0 under MAE (sign(0) = 0); Huber is
  // quadratic up to and including delta.
  const Tensor<double> prediction = tensor_of({3, 2, -1});
  const Tensor<double> target = tensor_of({3, 1, 0});
  Tensor<double> grad;
  regression_loss(RegressionLoss::Mae, prediction, target, &grad);
  EXPECT_EQ(grad[0], 0.0);
  EXPECT_DOUBLE_EQ(grad[1], 1.0 / 3);
  EXPECT_DOUBLE_EQ(grad[2], -1.0 / 3);
  regression_loss(RegressionLoss::Huber, prediction, target, &grad);
  EXPECT_DOUBLE_EQ(grad[1], 1.0 / 3);  // d = delta = 1
}

TEST(RegressionLoss, GradientsMatchCentralDifferencesInDouble) {
  Rng rng(7);
  for (const RegressionLoss kind : {RegressionLoss::Mse, RegressionLoss::Mae, RegressionLoss::Huber}) {
    Tensor<double> prediction = testing::random_tensor({3, 4, 2}, rng, 2.0);
    const Tensor<double> target = testing::random_tensor({3, 4, 2}, rng, 2.0);
    // Keep clear of the kinks (d = 0, |d| = delta), where differences are one-sided.
    for (int64_t i = 0; i < prediction.numel(); ++i) {
      const double d = prediction[i] - target[i];
      if (std::abs(d) < 0.05 || std::abs(std::abs(d) - 0.7) < 0.05) prediction[i] += 0.2;
    }
    Tensor<double> analytic;
    regression_loss(kind, prediction, target, &analytic, 0.7);
    const Tensor<double> numeric = testing::numeric_gradient(
        prediction, [&] { return regression_loss(kind, prediction, target, nullptr, 0.7).mean(); });
    EXPECT_LT(testing::relative_error(analytic, numeric), 1e-7) << regression_loss_name(kind);
  }
}

TEST(RegressionLoss, NamesAndBadArguments) {
  for (const RegressionLoss kind : {RegressionLoss::Mse, RegressionLoss::Mae, RegressionLoss::Huber})
    EXPECT_EQ(parse_regression_loss(regression_loss_name(kind)), kind);
  EXPECT_THROW(parse_regression_loss("l2"), std::invalid_argument);
  const Tensor<double> a({2}), b({3});
  EXPECT_THROW(regression_loss(RegressionLoss::Mse, a, b, nullptr), std::invalid_argument);
  EXPECT_THROW(regression_loss(RegressionLoss::Huber, a, a, nullptr, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace recur
