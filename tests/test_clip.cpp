// Gradient clipping (torch.nn.utils semantics) and the finiteness check.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "recur/clip.h"

namespace recur {
namespace {

struct TwoParameters {
  Parameter<double> a{"a", {2}}, b{"b", {1}};
  TwoParameters(double a0, double a1, double b0) {
    a.grad[0] = a0;
    a.grad[1] = a1;
    b.grad[0] = b0;
  }
  ParameterList<double> list() { return {&a, &b}; }
};

TEST(ClipGrad, NormIsGlobalOverAllParameters) {
  TwoParameters p(3, 0, 4);  // sqrt(9 + 16) = 5
  EXPECT_DOUBLE_EQ(grad_norm(p.list()), 5.0);
}

TEST(ClipGrad, NormScalesByMaxNormOverNormPlusEpsilon) {
  TwoParameters p(3, 0, 4);
  EXPECT_DOUBLE_EQ(clip_grad_norm(p.list(), 1.0), 5.0);  // returns the norm before clipping
  const double scale = 1.0 / (5.0 + 1e-6);
  EXPECT_DOUBLE_EQ(p.a.grad[0], 3 * scale);
  EXPECT_DOUBLE_EQ(p.a.grad[1], 0.0);
  EXPECT_DOUBLE_EQ(p.b.grad[0], 4 * scale);
  EXPECT_NEAR(grad_norm(p.list()), 1.0, 1e-6);
}

TEST(ClipGrad, NormBelowTheLimitIsUntouched) {
  TwoParameters p(3, 0, 4);
  EXPECT_DOUBLE_EQ(clip_grad_norm(p.list(), 10.0), 5.0);
  EXPECT_EQ(p.a.grad[0], 3.0);
  EXPECT_EQ(p.b.grad[0], 4.0);
  // PyTorch scales when max_norm / (norm + 1e-6) < 1, i.e. already at norm == max_norm.
  TwoParameters q(3, 0, 4);
  clip_grad_norm(q.list(), 5.0);
  EXPECT_LT(q.b.grad[0], 4.0);
}

TEST(ClipGrad, NonFiniteNormLeavesGradientsForTheCallerToSkip) {
  TwoParameters p(std::numeric_limits<double>::quiet_NaN(), 1, 1);
  EXPECT_TRUE(std::isnan(clip_grad_norm(p.list(), 1.0)));
  EXPECT_EQ(p.b.grad[0], 1.0);
  EXPECT_FALSE(all_finite(p.list()));
}

TEST(ClipGrad, ValueClampsEveryElement) {
  TwoParameters p(-7, 2, 5.5);
  clip_grad_value(p.list(), 5.0);
  EXPECT_EQ(p.a.grad[0], -5.0);
  EXPECT_EQ(p.a.grad[1], 2.0);
  EXPECT_EQ(p.b.grad[0], 5.0);
}

TEST(ClipGrad, ValueCountsTheElementsItClamps) {
  TwoParameters p(-7, 2, 5.5);
  EXPECT_EQ(clip_grad_value(p.list(), 5.0), 2);  // -7 and 5.5; 2 is inside
  EXPECT_EQ(clip_grad_value(p.list(), 5.0), 0);  // already inside
}

TEST(ClipGrad, FloatParameters) {
  Parameter<float> w("w", {4});
  for (int i = 0; i < 4; ++i) w.grad[i] = 10.0f;  // norm 20
  ParameterList<float> list{&w};
  EXPECT_NEAR(clip_grad_norm(list, 2.0), 20.0, 1e-9);
  EXPECT_NEAR(w.grad[0], 1.0f, 1e-6);
  clip_grad_value(list, 0.5);
  EXPECT_EQ(w.grad[3], 0.5f);
}

TEST(ClipGrad, AllFiniteChecksEveryGradient) {
  TwoParameters p(1, 2, 3);
  EXPECT_TRUE(all_finite(p.list()));
  p.b.grad[0] = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(all_finite(p.list()));
}

TEST(ClipGrad, RejectsNonPositiveLimits) {
  TwoParameters p(1, 2, 3);
  EXPECT_THROW(clip_grad_norm(p.list(), 0.0), std::invalid_argument);
  EXPECT_THROW(clip_grad_value(p.list(), -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace recur
