// The concrete optimizers, one per file in src/train/; reached through
// make_optimizer (optimizer.h). Each takes options already resolved
// (resolve_optimizer_options: every field it uses is set and in range).
#pragma once

#include <memory>

#include "recur/optimizer.h"

namespace recur::optimizers {

template <typename T>
std::unique_ptr<Optimizer<T>> make_sgd(ParameterList<T> parameters, const OptimizerOptions& options);
template <typename T>
std::unique_ptr<Optimizer<T>> make_adagrad(ParameterList<T> parameters, const OptimizerOptions& options);
template <typename T>
std::unique_ptr<Optimizer<T>> make_rmsprop(ParameterList<T> parameters, const OptimizerOptions& options);
// Adam, or AdamW when `decoupled_weight_decay`.
template <typename T>
std::unique_ptr<Optimizer<T>> make_adam(ParameterList<T> parameters, const OptimizerOptions& options,
                                        bool decoupled_weight_decay);

}  // namespace recur::optimizers
