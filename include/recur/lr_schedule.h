// Learning-rate schedules: the learning rate as a pure function of the
// iteration number (0 for the first step), so a resumed run that knows its
// iteration continues on exactly the same curve.
//
//   constant   lr(i) = base_lr
//   step       lr(i) = base_lr * gamma^floor(i / step_size)           (PyTorch StepLR)
//   cosine     lr(i) = min_lr + (base_lr - min_lr) * (1 + cos(pi * r)) / 2,
//              r = (i - warmup) / (decay_iterations - warmup), then min_lr
//              from decay_iterations on                                (nanoGPT)
//
// Any schedule may start with a linear warm-up: lr(i) = base_lr * (i + 1) /
// warmup_iterations for i < warmup_iterations (the first step is not wasted
// at lr 0); the schedule proper takes over at iteration warmup_iterations.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace recur {

enum class LrScheduleKind { Constant, Step, Cosine };

// "constant", "step", "cosine" (and back; throws std::invalid_argument on other names).
std::string lr_schedule_name(LrScheduleKind kind);
LrScheduleKind parse_lr_schedule(const std::string& name);

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::Constant;
  double base_lr = 1e-3;
  int64_t warmup_iterations = 0;
  // step
  int64_t step_size = 1000;
  double gamma = 0.1;
  // cosine
  int64_t decay_iterations = 0;  // the iteration where min_lr is reached (usually the last)
  double min_lr = 0.0;

  // Throws std::invalid_argument naming the bad field: base_lr >= 0, warmup
  // >= 0, step_size >= 1, gamma in (0, 1], decay_iterations > warmup,
  // 0 <= min_lr <= base_lr.
  void validate() const;
  // The learning rate of iteration `iteration` (>= 0).
  double learning_rate(int64_t iteration) const;

  nlohmann::json to_json() const;
  static LrSchedule from_json(const nlohmann::json& json);  // validates
};

}  // namespace recur
