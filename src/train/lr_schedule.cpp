#include "recur/lr_schedule.h"

#include <fmt/format.h>

#include "recur/option_error.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace recur {

std::string lr_schedule_name(LrScheduleKind kind) {
  switch (kind) {
    case LrScheduleKind::Constant: return "constant";
    case LrScheduleKind::Step: return "step";
    case LrScheduleKind::Cosine: return "cosine";
  }
  return "?";
}

LrScheduleKind parse_lr_schedule(const std::string& name) {
  if (name == "constant") return LrScheduleKind::Constant;
  if (name == "step") return LrScheduleKind::Step;
  if (name == "cosine") return LrScheduleKind::Cosine;
  throw std::invalid_argument("unknown learning-rate schedule '" + name + "' (expected constant, step or cosine)");
}

void LrSchedule::validate() const {
  // Each error names the option at fault, which the CLI turns into its flag (--lr, --warmup, ...).
  const auto fail = [](std::vector<std::string> options, const std::string& message) {
    throw OptionError(std::move(options), "learning-rate schedule: " + message);
  };
  if (!(std::isfinite(base_lr) && base_lr >= 0)) fail({"base_lr"}, fmt::format("learning rate must be >= 0, got {}", base_lr));
  if (warmup_iterations < 0) fail({"warmup_iterations"}, fmt::format("warm-up iterations must be >= 0, got {}", warmup_iterations));
  if (kind == LrScheduleKind::Step) {
    if (step_size < 1) fail({"step_size"}, fmt::format("step size must be >= 1 iteration, got {}", step_size));
    if (!(gamma > 0 && gamma <= 1)) fail({"gamma"}, fmt::format("step decay factor gamma must be in (0, 1], got {}", gamma));
  }
  if (kind == LrScheduleKind::Cosine) {
    if (decay_iterations <= warmup_iterations)
      fail({"decay_iterations", "warmup_iterations"},
           fmt::format("cosine decay must end after the warm-up: decay iterations {} <= warm-up {}", decay_iterations,
                       warmup_iterations));
    if (!(min_lr >= 0 && min_lr <= base_lr))
      fail({"min_lr"}, fmt::format("minimum learning rate must be in [0, {}], got {}", base_lr, min_lr));
  }
}

double LrSchedule::learning_rate(int64_t iteration) const {
  if (iteration < 0) throw std::invalid_argument(fmt::format("learning-rate schedule: negative iteration {}", iteration));
  if (iteration < warmup_iterations)
    return base_lr * static_cast<double>(iteration + 1) / static_cast<double>(warmup_iterations);
  switch (kind) {
    case LrScheduleKind::Constant:
      return base_lr;
    case LrScheduleKind::Step:
      return base_lr * std::pow(gamma, static_cast<double>(iteration / step_size));
    case LrScheduleKind::Cosine: {
      if (iteration >= decay_iterations) return min_lr;
      const double ratio = static_cast<double>(iteration - warmup_iterations) /
                           static_cast<double>(decay_iterations - warmup_iterations);
      return min_lr + (base_lr - min_lr) * 0.5 * (1 + std::cos(std::numbers::pi * ratio));
    }
  }
  return base_lr;
}

nlohmann::json LrSchedule::to_json() const {
  nlohmann::json json = {{"kind", lr_schedule_name(kind)}, {"base_lr", base_lr}, {"warmup_iterations", warmup_iterations}};
  if (kind == LrScheduleKind::Step) {
    json["step_size"] = step_size;
    json["gamma"] = gamma;
  }
  if (kind == LrScheduleKind::Cosine) {
    json["decay_iterations"] = decay_iterations;
    json["min_lr"] = min_lr;
  }
  return json;
}

LrSchedule LrSchedule::from_json(const nlohmann::json& json) {
  try {
    LrSchedule s;
    s.kind = parse_lr_schedule(json.at("kind").get<std::string>());
    s.base_lr = json.at("base_lr").get<double>();
    s.warmup_iterations = json.value("warmup_iterations", int64_t{0});
    s.step_size = json.value("step_size", s.step_size);
    s.gamma = json.value("gamma", s.gamma);
    s.decay_iterations = json.value("decay_iterations", s.decay_iterations);
    s.min_lr = json.value("min_lr", s.min_lr);
    s.validate();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("learning-rate schedule JSON: ") + e.what());
  }
}

}  // namespace recur
