// Adam and AdamW: torch.optim.Adam and torch.optim.AdamW (1.13), amsgrad off.
//
//   Adam:  g = g + weight_decay * p                 (L2 in the gradient)
//   AdamW: p = p * (1 - lr * weight_decay)          (decoupled decay, before the update)
//   exp_avg    = beta1 * exp_avg + (1 - beta1) * g
//   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
//   step_size  = lr / (1 - beta1^step)
//   denom      = sqrt(exp_avg_sq) / sqrt(1 - beta2^step) + eps
//   p = p - step_size * exp_avg / denom
#include <cmath>
#include <cstddef>

#include "train/optimizers.h"

namespace recur::optimizers {

namespace {

template <typename T>
class Adam final : public Optimizer<T> {
 public:
  Adam(ParameterList<T> parameters, const OptimizerOptions& options, bool decoupled_weight_decay)
      : Optimizer<T>(decoupled_weight_decay ? "adamw" : "adam", std::move(parameters), options, {"exp_avg", "exp_avg_sq"}),
        decoupled_(decoupled_weight_decay),
        weight_decay_(*options.weight_decay),
        beta1_(*options.beta1),
        beta2_(*options.beta2),
        eps_(*options.eps) {}

 private:
  void update(double learning_rate, int64_t step) override {
    // Scalars in double, as Python computes them, then rounded once to T.
    const double bias_correction1 = 1 - std::pow(beta1_, static_cast<double>(step));
    const double bias_correction2 = 1 - std::pow(beta2_, static_cast<double>(step));
    const T minus_step_size = T(-(learning_rate / bias_correction1));
    const T bias_correction2_sqrt = T(std::sqrt(bias_correction2));
    const T decay_factor = T(1 - learning_rate * weight_decay_);
    const T weight_decay = T(weight_decay_), eps = T(eps_);
    const T beta1 = T(beta1_), one_minus_beta1 = T(1 - beta1_), beta2 = T(beta2_), one_minus_beta2 = T(1 - beta2_);
    const bool l2 = !decoupled_ && weight_decay_ != 0;

    const ParameterList<T>& parameters = this->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      // Distinct tensors (restrict) and no errno from sqrt (CMakeLists.txt):
      // so the compiler vectorises the loop, each element computed as before.
      T* __restrict p = parameters[i]->value.data();
      const T* __restrict grad = parameters[i]->grad.data();
      T* __restrict exp_avg = this->buffer(0, i).data();
      T* __restrict exp_avg_sq = this->buffer(1, i).data();
      const int64_t n = parameters[i]->value.numel();
      for (int64_t j = 0; j < n; ++j) {
        T g = grad[j];
        if (l2) g = g + weight_decay * p[j];
        if (decoupled_) p[j] = p[j] * decay_factor;
        exp_avg[j] = exp_avg[j] * beta1 + one_minus_beta1 * g;
        exp_avg_sq[j] = exp_avg_sq[j] * beta2 + one_minus_beta2 * g * g;
        const T denom = std::sqrt(exp_avg_sq[j]) / bias_correction2_sqrt + eps;
        p[j] = p[j] + minus_step_size * (exp_avg[j] / denom);
      }
    }
  }

  bool decoupled_;
  double weight_decay_, beta1_, beta2_, eps_;
};

}  // namespace

template <typename T>
std::unique_ptr<Optimizer<T>> make_adam(ParameterList<T> parameters, const OptimizerOptions& options,
                                        bool decoupled_weight_decay) {
  return std::make_unique<Adam<T>>(std::move(parameters), options, decoupled_weight_decay);
}

template std::unique_ptr<Optimizer<float>> make_adam(ParameterList<float>, const OptimizerOptions&, bool);
template std::unique_ptr<Optimizer<double>> make_adam(ParameterList<double>, const OptimizerOptions&, bool);

}  // namespace recur::optimizers
