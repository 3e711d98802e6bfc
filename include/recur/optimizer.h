// Optimizer: updates parameters from their gradients, as torch.optim does —
// SGD (momentum, Nesterov), Adagrad, RMSprop, Adam and AdamW, each following
// PyTorch 1.13's single-tensor formula exactly (written beside each update in
// src/train/), including how weight_decay enters.
//
// The learning rate is an argument of step(), not an option: it comes from the
// schedule (lr_schedule.h), a pure function of the iteration.
//
// State for checkpoints: the buffers as named tensors
// "optimizer.<parameter name>.<buffer>" (PyTorch's state names: momentum_buffer,
// sum, square_avg, grad_avg, exp_avg, exp_avg_sq) and a JSON object
// {"optimizer": "adam", "step": 12, "options": {...}}. Restoring it continues
// exactly where the run stopped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/optimizer_options.h"
#include "recur/parameter.h"
#include "recur/tensor.h"

namespace recur {

template <typename T>
struct OptimizerState {
  nlohmann::json scalars;                     // {"optimizer", "step", "options"}
  std::map<std::string, Tensor<T>> tensors;  // "optimizer.<parameter>.<buffer>"
};

template <typename T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  const std::string& name() const { return name_; }
  // Every option of this optimizer, defaults filled in.
  const OptimizerOptions& options() const { return options_; }
  // Steps taken (PyTorch's state["step"]); Adam's bias correction uses it.
  int64_t step_count() const { return step_count_; }
  const ParameterList<T>& parameters() const { return parameters_; }

  // One update of every parameter from its gradient. Throws
  // std::invalid_argument if the learning rate is negative or not finite.
  void step(double learning_rate);

  OptimizerState<T> state() const;
  // Restores state() of an optimizer of the same name and options over
  // parameters of the same names and shapes; entries of `state.tensors` not
  // starting with "optimizer." are ignored (so a whole checkpoint's tensors
  // can be passed). Throws std::invalid_argument naming what does not match,
  // and then changes nothing.
  void load_state(const OptimizerState<T>& state);

 protected:
  // `buffer_names`: the per-parameter state tensors this optimizer keeps,
  // each the shape of its parameter and filled with `buffer_fill`.
  Optimizer(std::string name, ParameterList<T> parameters, OptimizerOptions resolved_options,
            std::vector<std::string> buffer_names, T buffer_fill = T(0));

  // Applies step number `step` (1 for the first) with this learning rate.
  virtual void update(double learning_rate, int64_t step) = 0;
  // Buffer `buffer` (its index in buffer_names) of parameter `index`.
  Tensor<T>& buffer(size_t buffer, size_t index) { return buffers_[buffer][index]; }

 private:
  std::string name_;
  ParameterList<T> parameters_;
  OptimizerOptions options_;
  std::vector<std::string> buffer_names_;
  std::vector<std::vector<Tensor<T>>> buffers_;  // [buffer][parameter]
  int64_t step_count_ = 0;
};

// An optimizer by name ("sgd", "adagrad", "rmsprop", "adam", "adamw"). Throws
// std::invalid_argument for an unknown name, an option the optimizer does not
// have or a value out of range (see optimizer_options.h), or parameters with
// duplicate names or gradients not shaped like their values.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, const OptimizerOptions& options,
                                             ParameterList<T> parameters);

// The optimizer a state was exported from: make_optimizer with the saved name
// and options, then load_state.
template <typename T>
std::unique_ptr<Optimizer<T>> restore_optimizer(const OptimizerState<T>& state, ParameterList<T> parameters);

}  // namespace recur
