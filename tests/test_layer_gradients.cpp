// Gradient checks of Linear, Embedding and the two losses (double precision).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gradient_check.h"
#include "recur/embedding.h"
#include "recur/linear.h"
#include "recur/loss.h"

namespace recur {
namespace {

using testing::dot;
using testing::numeric_gradient;
using testing::random_tensor;
using testing::relative_error;

TEST(LinearGradient, MatchesCentralDifferences) {
  Rng rng(11);
  Linear<double> linear(5, 3, rng);
  Tensor<double> x = random_tensor<Rng>({2, 4, 5}, rng), y;
  const Tensor<double> w = random_tensor<Rng>({2, 4, 3}, rng);
  auto loss = [&] {
    linear.forward(x, y);
    return dot(y, w);
  };
  loss();
  EXPECT_EQ(y.shape(), (Shape{2, 4, 3}));
  Tensor<double> grad_x;
  zero_grad(linear.parameters());
  linear.backward(w, grad_x);
  EXPECT_LT(relative_error(grad_x, numeric_gradient(x, loss)), 1e-6);
  for (auto* p : linear.parameters()) EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), 1e-6);
}

TEST(EmbeddingGradient, ScattersIntoRepeatedRows) {
  Rng rng(12);
  Embedding<double> embedding(6, 4, rng);
  const std::vector<int64_t> indices = {1, 3, 1, 5, 0};
  Tensor<double> y;
  const Tensor<double> w = random_tensor<Rng>({5, 4}, rng);
  auto loss = [&] {
    embedding.forward(indices, y);
    return dot(y, w);
  };
  loss();
  zero_grad(embedding.parameters());
  embedding.backward(w);
  Parameter<double>& weight = *embedding.parameters()[0];
  EXPECT_LT(relative_error(weight.grad, numeric_gradient(weight.value, loss)), 1e-6);
  for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(weight.grad[2 * 4 + j], 0.0);  // row 2 unused
  const std::vector<int64_t> bad = {6};
  EXPECT_THROW(embedding.forward(bad, y), std::out_of_range);
}

TEST(CrossEntropyGradient, MatchesCentralDifferencesWithIgnoredTargets) {
  Rng rng(13);
  Tensor<double> logits = random_tensor<Rng>({5, 4}, rng, 3.0);
  const std::vector<int64_t> targets = {0, 3, -100, 2, 1};
  auto loss = [&] { return double(softmax_cross_entropy<double>(logits, targets, nullptr).loss); };
  Tensor<double> grad;
  const auto result = softmax_cross_entropy<double>(logits, targets, &grad);
  EXPECT_EQ(result.count, 4);
  EXPECT_LT(relative_error(grad, numeric_gradient(logits, loss)), 1e-6);
  for (int64_t c = 0; c < 4; ++c) EXPECT_EQ(grad[2 * 4 + c], 0.0);
}

TEST(CrossEntropy, MatchesTheFormulaAndSurvivesLargeLogits) {
  Tensor<double> logits({1, 3});
  logits[0] = 1000;
  logits[1] = 0;
  logits[2] = -1000;
  const std::vector<int64_t> target = {1};
  const auto result = softmax_cross_entropy<double>(logits, target, nullptr);
  EXPECT_NEAR(result.loss, 1000.0, 1e-9);  // log(e^1000 + 1 + e^-1000) - 0
  Tensor<double> uniform({2, 4});
  const std::vector<int64_t> targets = {0, 3};
  EXPECT_NEAR(softmax_cross_entropy<double>(uniform, targets, nullptr).loss, std::log(4.0), 1e-12);
  const std::vector<int64_t> out_of_range = {4, 0};
  EXPECT_THROW(softmax_cross_entropy<double>(uniform, out_of_range, nullptr), std::out_of_range);
}

TEST(MeanSquaredErrorGradient, MatchesCentralDifferences) {
  Rng rng(14);
  Tensor<double> prediction = random_tensor<Rng>({3, 4}, rng);
  const Tensor<double> target = random_tensor<Rng>({3, 4}, rng);
  auto loss = [&] { return mean_squared_error<double>(prediction, target, nullptr); };
  Tensor<double> grad;
  mean_squared_error<double>(prediction, target, &grad);
  EXPECT_LT(relative_error(grad, numeric_gradient(prediction, loss)), 1e-6);
  Tensor<double> other({2, 2});
  EXPECT_THROW(mean_squared_error<double>(prediction, other, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace recur
