// Parameter: a named trainable tensor and the gradient accumulated for it.
//
// Layers own their Parameters; optimizers, clipping and checkpoints see them
// as a flat list of pointers (`parameters()`), under PyTorch's state_dict names.
#pragma once

#include <string>
#include <vector>

#include "recur/parameter_budget.h"
#include "recur/tensor.h"

namespace recur {

template <typename T>
struct Parameter {
  std::string name;  // PyTorch's name within its module, e.g. "weight_ih_l0"
  Tensor<T> value;
  Tensor<T> grad;  // same shape as value; backward adds into it

  Parameter() = default;
  Parameter(std::string parameter_name, const Shape& shape)
      : name(std::move(parameter_name)), value(charged(shape)), grad(shape) {}

 private:
  static const Shape& charged(const Shape& shape) {
    ParameterBudget::charge(shape_numel(shape));
    return shape;
  }
};

template <typename T>
using ParameterList = std::vector<Parameter<T>*>;

// Appends a part's parameters to a model's list (a model's parameters() is
// its parts' lists, in order).
template <typename T>
void append_parameters(ParameterList<T>& list, const ParameterList<T>& more) {
  list.insert(list.end(), more.begin(), more.end());
}

// Sets every gradient to zero (before a new accumulation).
template <typename T>
void zero_grad(const ParameterList<T>& parameters) {
  for (Parameter<T>* p : parameters) p->grad.zero();
}

// Prepends "prefix." to the names: how a model names its layers' parameters
// ("rnn." + "weight_ih_l0").
template <typename T>
void prefix_names(const ParameterList<T>& parameters, const std::string& prefix) {
  for (Parameter<T>* p : parameters) p->name = prefix + "." + p->name;
}

}  // namespace recur
