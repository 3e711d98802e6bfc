// Adagrad: torch.optim.Adagrad (1.13), the optimizer of min-char-rnn.
//
//   g   = g + weight_decay * p                      (L2 in the gradient)
//   clr = lr / (1 + (step - 1) * lr_decay)
//   sum = sum + g * g                               (sum starts at initial_accumulator_value)
//   p   = p - clr * g / (sqrt(sum) + eps)
#include <cmath>
#include <cstddef>

#include "train/optimizers.h"

namespace recur::optimizers {

namespace {

template <typename T>
class Adagrad final : public Optimizer<T> {
 public:
  Adagrad(ParameterList<T> parameters, const OptimizerOptions& options)
      : Optimizer<T>("adagrad", std::move(parameters), options, {"sum"}, T(*options.initial_accumulator_value)),
        weight_decay_(*options.weight_decay),
        lr_decay_(*options.lr_decay),
        eps_(*options.eps) {}

 private:
  void update(double learning_rate, int64_t step) override {
    const double clr = learning_rate / (1 + static_cast<double>(step - 1) * lr_decay_);
    const T weight_decay = T(weight_decay_), eps = T(eps_), minus_clr = T(-clr);
    const ParameterList<T>& parameters = this->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      T* p = parameters[i]->value.data();
      const T* grad = parameters[i]->grad.data();
      T* sum = this->buffer(0, i).data();
      const int64_t n = parameters[i]->value.numel();
      for (int64_t j = 0; j < n; ++j) {
        T g = grad[j];
        if (weight_decay_ != 0) g = g + weight_decay * p[j];
        sum[j] = sum[j] + g * g;
        const T denom = std::sqrt(sum[j]) + eps;
        p[j] = p[j] + minus_clr * (g / denom);
      }
    }
  }

  double weight_decay_, lr_decay_, eps_;
};

}  // namespace

template <typename T>
std::unique_ptr<Optimizer<T>> make_adagrad(ParameterList<T> parameters, const OptimizerOptions& options) {
  return std::make_unique<Adagrad<T>>(std::move(parameters), options);
}

template std::unique_ptr<Optimizer<float>> make_adagrad(ParameterList<float>, const OptimizerOptions&);
template std::unique_ptr<Optimizer<double>> make_adagrad(ParameterList<double>, const OptimizerOptions&);

}  // namespace recur::optimizers
