#include "recur/optimizer_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

namespace {

// One row per option: its name, the optimizers it applies to, and how to read
// and write it — so JSON, applicability and defaults share one table.
struct OptionField {
  const char* name;
  std::vector<std::string> optimizers;
  std::optional<double> OptimizerOptions::*number = nullptr;
  std::optional<bool> OptimizerOptions::*flag = nullptr;
};

const std::vector<OptionField>& option_fields() {
  static const std::vector<OptionField> fields = {
      {"weight_decay", {"sgd", "adagrad", "rmsprop", "adam", "adamw"}, &OptimizerOptions::weight_decay},
      {"momentum", {"sgd", "rmsprop"}, &OptimizerOptions::momentum},
      {"dampening", {"sgd"}, &OptimizerOptions::dampening},
      {"nesterov", {"sgd"}, nullptr, &OptimizerOptions::nesterov},
      {"eps", {"adagrad", "rmsprop", "adam", "adamw"}, &OptimizerOptions::eps},
      {"alpha", {"rmsprop"}, &OptimizerOptions::alpha},
      {"centered", {"rmsprop"}, nullptr, &OptimizerOptions::centered},
      {"beta1", {"adam", "adamw"}, &OptimizerOptions::beta1},
      {"beta2", {"adam", "adamw"}, &OptimizerOptions::beta2},
      {"lr_decay", {"adagrad"}, &OptimizerOptions::lr_decay},
      {"initial_accumulator_value", {"adagrad"}, &OptimizerOptions::initial_accumulator_value},
  };
  return fields;
}

bool is_set(const OptimizerOptions& options, const OptionField& field) {
  return field.number ? (options.*field.number).has_value() : (options.*field.flag).has_value();
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// torch.optim's defaults.
void fill_defaults(const std::string& name, OptimizerOptions& o) {
  o.weight_decay = o.weight_decay.value_or(name == "adamw" ? 1e-2 : 0.0);
  if (name == "sgd") {
    o.momentum = o.momentum.value_or(0.0);
    o.dampening = o.dampening.value_or(0.0);
    o.nesterov = o.nesterov.value_or(false);
  } else if (name == "adagrad") {
    o.eps = o.eps.value_or(1e-10);
    o.lr_decay = o.lr_decay.value_or(0.0);
    o.initial_accumulator_value = o.initial_accumulator_value.value_or(0.0);
  } else if (name == "rmsprop") {
    o.eps = o.eps.value_or(1e-8);
    o.alpha = o.alpha.value_or(0.99);
    o.momentum = o.momentum.value_or(0.0);
    o.centered = o.centered.value_or(false);
  } else {  // adam, adamw
    o.eps = o.eps.value_or(1e-8);
    o.beta1 = o.beta1.value_or(0.9);
    o.beta2 = o.beta2.value_or(0.999);
  }
}

void check_ranges(const std::string& name, const OptimizerOptions& o) {
  const auto fail = [&](const char* option, const char* range, double value) {
    throw OptimizerOptionError(option, fmt::format("optimizer {}: {} must be {}, got {}", name, option, range, value));
  };
  const auto at_least_zero = [&](const char* option, const std::optional<double>& v) {
    if (v && !(std::isfinite(*v) && *v >= 0)) fail(option, ">= 0 and finite", *v);
  };
  const auto in_unit = [&](const char* option, const std::optional<double>& v, bool include_one) {
    if (v && !(*v >= 0 && (include_one ? *v <= 1 : *v < 1))) fail(option, include_one ? "in [0, 1]" : "in [0, 1)", *v);
  };
  at_least_zero("weight_decay", o.weight_decay);
  at_least_zero("momentum", o.momentum);
  at_least_zero("eps", o.eps);
  at_least_zero("lr_decay", o.lr_decay);
  at_least_zero("initial_accumulator_value", o.initial_accumulator_value);
  in_unit("dampening", o.dampening, true);
  in_unit("alpha", o.alpha, true);
  in_unit("beta1", o.beta1, false);
  in_unit("beta2", o.beta2, false);
  if (o.nesterov.value_or(false) && (o.momentum.value_or(0) <= 0 || o.dampening.value_or(0) != 0))
    throw OptimizerOptionError("nesterov",
                               fmt::format("optimizer {}: Nesterov momentum needs momentum > 0 and dampening 0", name));
}

}  // namespace

nlohmann::json OptimizerOptions::to_json() const {
  nlohmann::json json = nlohmann::json::object();
  for (const OptionField& field : option_fields()) {
    if (field.number && (this->*field.number)) json[field.name] = *(this->*field.number);
    if (field.flag && (this->*field.flag)) json[field.name] = *(this->*field.flag);
  }
  return json;
}

OptimizerOptions OptimizerOptions::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("optimizer options: expected a JSON object, got " + json.dump());
  OptimizerOptions options;
  for (const auto& item : json.items()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    const auto& fields = option_fields();
    const auto field = std::find_if(fields.begin(), fields.end(), [&](const OptionField& f) { return key == f.name; });
    if (field == fields.end()) throw std::invalid_argument("optimizer options: unknown option '" + key + "'");
    if (field->number) {
      if (!value.is_number()) throw std::invalid_argument("optimizer options: " + key + " must be a number, got " + value.dump());
      options.*field->number = value.get<double>();
    } else {
      if (!value.is_boolean()) throw std::invalid_argument("optimizer options: " + key + " must be true or false, got " + value.dump());
      options.*field->flag = value.get<bool>();
    }
  }
  return options;
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "adagrad", "rmsprop", "adam", "adamw"};
  return names;
}

OptimizerOptions resolve_optimizer_options(const std::string& name, const OptimizerOptions& options) {
  const auto& names = optimizer_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw OptionError("optimizer", fmt::format("unknown optimizer '{}' (expected one of {})", name, join(names)));
  for (const OptionField& field : option_fields()) {
    const bool applies = std::find(field.optimizers.begin(), field.optimizers.end(), name) != field.optimizers.end();
    if (is_set(options, field) && !applies)
      throw OptimizerOptionError(field.name, fmt::format("optimizer {} has no option {} (it belongs to {})", name,
                                                         field.name, join(field.optimizers)));
  }
  OptimizerOptions resolved = options;
  fill_defaults(name, resolved);
  check_ranges(name, resolved);
  return resolved;
}

}  // namespace recur
