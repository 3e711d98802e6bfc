// Learning-rate schedules: pure functions of the iteration.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "recur/lr_schedule.h"

namespace recur {
namespace {

TEST(LrSchedule, ConstantIsConstant) {
  const LrSchedule s{.kind = LrScheduleKind::Constant, .base_lr = 0.002};
  s.validate();
  EXPECT_EQ(s.learning_rate(0), 0.002);
  EXPECT_EQ(s.learning_rate(123456), 0.002);
}

TEST(LrSchedule, StepDecayMultipliesByGammaEveryStepSize) {
  const LrSchedule s{.kind = LrScheduleKind::Step, .base_lr = 1.0, .step_size = 10, .gamma = 0.5};
  s.validate();
  EXPECT_EQ(s.learning_rate(0), 1.0);
  EXPECT_EQ(s.learning_rate(9), 1.0);
  EXPECT_EQ(s.learning_rate(10), 0.5);
  EXPECT_EQ(s.learning_rate(29), 0.25);
  EXPECT_EQ(s.learning_rate(30), 0.125);
}

TEST(LrSchedule, CosineWarmsUpThenDecaysToMinimum) {
  const LrSchedule s{.kind = LrScheduleKind::Cosine, .base_lr = 1e-3, .warmup_iterations = 100, .decay_iterations = 1100,
                     .min_lr = 1e-4};
  s.validate();
  EXPECT_DOUBLE_EQ(s.learning_rate(0), 1e-3 * 1 / 100);
  EXPECT_DOUBLE_EQ(s.learning_rate(49), 1e-3 * 50 / 100);
  EXPECT_DOUBLE_EQ(s.learning_rate(100), 1e-3);                           // top of the curve
  EXPECT_DOUBLE_EQ(s.learning_rate(600), 1e-4 + 0.5 * (1e-3 - 1e-4));     // halfway
  const double at_350 = 1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + std::cos(std::numbers::pi * 0.25));
  EXPECT_DOUBLE_EQ(s.learning_rate(350), at_350);
  EXPECT_DOUBLE_EQ(s.learning_rate(1100), 1e-4);
  EXPECT_DOUBLE_EQ(s.learning_rate(5000), 1e-4);
  for (int64_t i = 100; i < 1100; ++i) EXPECT_GE(s.learning_rate(i), s.learning_rate(i + 1));
}

TEST(LrSchedule, WarmupAppliesToAnySchedule) {
  const LrSchedule s{.kind = LrScheduleKind::Constant, .base_lr = 0.4, .warmup_iterations = 4};
  EXPECT_DOUBLE_EQ(s.learning_rate(0), 0.1);
  EXPECT_DOUBLE_EQ(s.learning_rate(3), 0.4);
  EXPECT_DOUBLE_EQ(s.learning_rate(4), 0.4);
}

TEST(LrSchedule, IsAPureFunctionSoResumeIsExact) {
  const LrSchedule s{.kind = LrScheduleKind::Cosine, .base_lr = 0.01, .warmup_iterations = 10, .decay_iterations = 500};
  const LrSchedule restored = LrSchedule::from_json(nlohmann::json::parse(s.to_json().dump()));
  for (int64_t i : {0, 5, 10, 11, 250, 499, 500, 800}) EXPECT_EQ(restored.learning_rate(i), s.learning_rate(i));
}

TEST(LrSchedule, NamesAndValidation) {
  EXPECT_EQ(parse_lr_schedule(lr_schedule_name(LrScheduleKind::Cosine)), LrScheduleKind::Cosine);
  EXPECT_THROW(parse_lr_schedule("linear"), std::invalid_argument);
  EXPECT_THROW((LrSchedule{.kind = LrScheduleKind::Constant, .base_lr = -1}.validate()), std::invalid_argument);
  EXPECT_THROW((LrSchedule{.kind = LrScheduleKind::Step, .step_size = 0}.validate()), std::invalid_argument);
  EXPECT_THROW((LrSchedule{.kind = LrScheduleKind::Step, .gamma = 0}.validate()), std::invalid_argument);
  EXPECT_THROW((LrSchedule{.kind = LrScheduleKind::Cosine, .warmup_iterations = 10, .decay_iterations = 10}.validate()),
               std::invalid_argument);
  EXPECT_THROW((LrSchedule{.kind = LrScheduleKind::Cosine, .base_lr = 0.1, .decay_iterations = 10, .min_lr = 0.2}.validate()),
               std::invalid_argument);
  EXPECT_THROW(LrSchedule{}.learning_rate(-1), std::invalid_argument);
  EXPECT_THROW(LrSchedule::from_json(nlohmann::json::parse(R"({"kind": "cosine"})")), std::invalid_argument);
}

}  // namespace
}  // namespace recur
