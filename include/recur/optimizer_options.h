// OptimizerOptions: the hyper-parameters of the optimizers (all but the
// learning rate, which the schedule passes to every step), named as in
// torch.optim. Every field is optional: unset means PyTorch's default for the
// chosen optimizer, and setting one that the optimizer does not have is an
// error rather than silently ignored.
//
//   option                     applies to                  default
//   weight_decay               all                         0 (adamw: 0.01)
//   momentum                   sgd, rmsprop                0
//   dampening, nesterov        sgd                         0, false
//   eps                        adagrad; rmsprop, adam(w)   1e-10; 1e-8
//   alpha, centered            rmsprop                     0.99, false
//   beta1, beta2               adam, adamw                 0.9, 0.999
//   lr_decay                   adagrad                     0
//   initial_accumulator_value  adagrad                     0
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/option_error.h"

namespace recur {

// (The explicit initializers let designated initializers name only some
// fields without -Wmissing-field-initializers.)
struct OptimizerOptions {
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> momentum = std::nullopt;
  std::optional<double> dampening = std::nullopt;
  std::optional<bool> nesterov = std::nullopt;
  std::optional<double> eps = std::nullopt;
  std::optional<double> alpha = std::nullopt;
  std::optional<bool> centered = std::nullopt;
  std::optional<double> beta1 = std::nullopt;
  std::optional<double> beta2 = std::nullopt;
  std::optional<double> lr_decay = std::nullopt;
  std::optional<double> initial_accumulator_value = std::nullopt;

  // The fields that are set, by name: {"momentum": 0.9, "nesterov": true}.
  nlohmann::json to_json() const;
  // Throws std::invalid_argument on an unknown key or a value of the wrong type.
  static OptimizerOptions from_json(const nlohmann::json& json);
};

// An option the optimizer does not have, or a value out of range, named by its
// torch.optim name ("lr_decay") in `option` and in the message.
struct OptimizerOptionError : OptionError {
  OptimizerOptionError(std::string option_at_fault, const std::string& message)
      : OptionError(option_at_fault, message), option(std::move(option_at_fault)) {}
  std::string option;
};

// "sgd", "adagrad", "rmsprop", "adam", "adamw".
const std::vector<std::string>& optimizer_names();

// The options with every field of `name` set (defaults filled in). Throws
// std::invalid_argument naming the problem: an unknown optimizer, or (as
// OptimizerOptionError) an option it does not have or a value out of range
// (torch.optim's checks, plus finite values, alpha in [0, 1] and dampening in
// [0, 1]).
OptimizerOptions resolve_optimizer_options(const std::string& name, const OptimizerOptions& options);

}  // namespace recur
