#include "recur/optimizer.h"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <stdexcept>

#include "train/optimizers.h"

namespace recur {

namespace {

std::string state_tensor_name(const std::string& parameter, const std::string& buffer) {
  return "optimizer." + parameter + "." + buffer;
}

}  // namespace

template <typename T>
Optimizer<T>::Optimizer(std::string name, ParameterList<T> parameters, OptimizerOptions resolved_options,
                        std::vector<std::string> buffer_names, T buffer_fill)
    : name_(std::move(name)),
      parameters_(std::move(parameters)),
      options_(std::move(resolved_options)),
      buffer_names_(std::move(buffer_names)) {
  std::set<std::string> names;
  for (const Parameter<T>* p : parameters_) {
    if (!p) throw std::invalid_argument("optimizer " + name_ + ": null parameter");
    // State tensors are named after parameters, so names must be unique.
    if (!names.insert(p->name).second)
      throw std::invalid_argument(fmt::format("optimizer {}: two parameters are named '{}'", name_, p->name));
  }
  for (size_t b = 0; b < buffer_names_.size(); ++b) {
    buffers_.emplace_back();
    for (const Parameter<T>* p : parameters_) buffers_.back().emplace_back(p->value.shape(), buffer_fill);
  }
}

template <typename T>
void Optimizer<T>::step(double learning_rate) {
  if (!(std::isfinite(learning_rate) && learning_rate >= 0))
    throw std::invalid_argument(fmt::format("optimizer {}: learning rate must be >= 0 and finite, got {}", name_, learning_rate));
  for (const Parameter<T>* p : parameters_)
    if (p->grad.numel() != p->value.numel())
      throw std::invalid_argument(fmt::format("optimizer {}: gradient of {} has shape {}, its value {}", name_, p->name,
                                              shape_string(p->grad.shape()), shape_string(p->value.shape())));
  ++step_count_;
  update(learning_rate, step_count_);
}

template <typename T>
OptimizerState<T> Optimizer<T>::state() const {
  OptimizerState<T> state;
  state.scalars = {{"optimizer", name_}, {"step", step_count_}, {"options", options_.to_json()}};
  for (size_t b = 0; b < buffer_names_.size(); ++b)
    for (size_t i = 0; i < parameters_.size(); ++i)
      state.tensors.emplace(state_tensor_name(parameters_[i]->name, buffer_names_[b]), buffers_[b][i]);
  return state;
}

template <typename T>
void Optimizer<T>::load_state(const OptimizerState<T>& state) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(fmt::format("optimizer state does not fit this {} optimizer: {}", name_, what));
  };
  const nlohmann::json& s = state.scalars;
  if (!s.is_object() || !s.contains("optimizer") || !s.contains("step") || !s.contains("options"))
    fail("expected {\"optimizer\", \"step\", \"options\"}, got " + s.dump());
  if (!s["optimizer"].is_string() || s["optimizer"].get<std::string>() != name_) fail("it was saved by " + s["optimizer"].dump());
  if (!s["step"].is_number_integer() || s["step"].get<int64_t>() < 0) fail("bad step " + s["step"].dump());
  // Resolving fills defaults, so a state that spells out a default still matches.
  const nlohmann::json saved = resolve_optimizer_options(name_, OptimizerOptions::from_json(s["options"])).to_json();
  if (saved != options_.to_json()) fail(fmt::format("saved with options {}, this one has {}", saved.dump(), options_.to_json().dump()));

  std::set<std::string> expected;
  auto buffers = buffers_;  // filled completely before anything is changed
  for (size_t b = 0; b < buffer_names_.size(); ++b) {
    for (size_t i = 0; i < parameters_.size(); ++i) {
      const std::string key = state_tensor_name(parameters_[i]->name, buffer_names_[b]);
      expected.insert(key);
      const auto found = state.tensors.find(key);
      if (found == state.tensors.end()) fail("missing tensor " + key);
      if (found->second.shape() != parameters_[i]->value.shape())
        fail(fmt::format("{} has shape {}, its parameter {}", key, shape_string(found->second.shape()),
                         shape_string(parameters_[i]->value.shape())));
      buffers[b][i] = found->second;
    }
  }
  for (const auto& [key, tensor] : state.tensors)
    if (key.starts_with("optimizer.") && !expected.contains(key)) fail("unexpected tensor " + key);

  buffers_ = std::move(buffers);
  step_count_ = s["step"].get<int64_t>();
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, const OptimizerOptions& options,
                                             ParameterList<T> parameters) {
  const OptimizerOptions resolved = resolve_optimizer_options(name, options);
  if (name == "sgd") return optimizers::make_sgd(std::move(parameters), resolved);
  if (name == "adagrad") return optimizers::make_adagrad(std::move(parameters), resolved);
  if (name == "rmsprop") return optimizers::make_rmsprop(std::move(parameters), resolved);
  return optimizers::make_adam(std::move(parameters), resolved, /*decoupled_weight_decay=*/name == "adamw");
}

template <typename T>
std::unique_ptr<Optimizer<T>> restore_optimizer(const OptimizerState<T>& state, ParameterList<T> parameters) {
  const nlohmann::json& s = state.scalars;
  if (!s.is_object() || !s.contains("optimizer") || !s["optimizer"].is_string() || !s.contains("options"))
    throw std::invalid_argument("optimizer state: expected {\"optimizer\", \"step\", \"options\"}, got " + s.dump());
  auto optimizer = make_optimizer(s["optimizer"].get<std::string>(), OptimizerOptions::from_json(s["options"]),
                                  std::move(parameters));
  optimizer->load_state(state);
  return optimizer;
}

template class Optimizer<float>;
template class Optimizer<double>;
template std::unique_ptr<Optimizer<float>> make_optimizer(const std::string&, const OptimizerOptions&, ParameterList<float>);
template std::unique_ptr<Optimizer<double>> make_optimizer(const std::string&, const OptimizerOptions&, ParameterList<double>);
template std::unique_ptr<Optimizer<float>> restore_optimizer(const OptimizerState<float>&, ParameterList<float>);
template std::unique_ptr<Optimizer<double>> restore_optimizer(const OptimizerState<double>&, ParameterList<double>);

}  // namespace recur
