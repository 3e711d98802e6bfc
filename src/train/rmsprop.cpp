// RMSprop: torch.optim.RMSprop (1.13), the optimizer of char-rnn.
//
//   g          = g + weight_decay * p                          (L2 in the gradient)
//   square_avg = alpha * square_avg + (1 - alpha) * g * g
//   if centered:
//     grad_avg = alpha * grad_avg + (1 - alpha) * g
//     avg      = sqrt(square_avg - grad_avg * grad_avg) + eps
//   else avg   = sqrt(square_avg) + eps
//   if momentum > 0:
//     buf = momentum * buf + g / avg                           (buf starts at 0)
//     p   = p - lr * buf
//   else p = p - lr * g / avg
#include <cmath>
#include <cstddef>

#include "train/optimizers.h"

namespace recur::optimizers {

namespace {

std::vector<std::string> rmsprop_buffers(const OptimizerOptions& options) {
  std::vector<std::string> names = {"square_avg"};
  if (*options.momentum > 0) names.push_back("momentum_buffer");
  if (*options.centered) names.push_back("grad_avg");
  return names;
}

template <typename T>
class RmsProp final : public Optimizer<T> {
 public:
  RmsProp(ParameterList<T> parameters, const OptimizerOptions& options)
      : Optimizer<T>("rmsprop", std::move(parameters), options, rmsprop_buffers(options)),
        weight_decay_(*options.weight_decay),
        alpha_(*options.alpha),
        eps_(*options.eps),
        momentum_(*options.momentum),
        centered_(*options.centered) {}

 private:
  void update(double learning_rate, int64_t /*step*/) override {
    const T weight_decay = T(weight_decay_), alpha = T(alpha_), one_minus_alpha = T(1 - alpha_), eps = T(eps_);
    const T momentum = T(momentum_), minus_lr = T(-learning_rate);
    const ParameterList<T>& parameters = this->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      T* p = parameters[i]->value.data();
      const T* grad = parameters[i]->grad.data();
      T* square_avg = this->buffer(0, i).data();
      size_t next_buffer = 1;
      T* buf = momentum_ > 0 ? this->buffer(next_buffer++, i).data() : nullptr;
      T* grad_avg = centered_ ? this->buffer(next_buffer++, i).data() : nullptr;
      const int64_t n = parameters[i]->value.numel();
      for (int64_t j = 0; j < n; ++j) {
        T g = grad[j];
        if (weight_decay_ != 0) g = g + weight_decay * p[j];
        square_avg[j] = square_avg[j] * alpha + one_minus_alpha * g * g;
        T avg;
        if (grad_avg) {
          grad_avg[j] = grad_avg[j] * alpha + one_minus_alpha * g;
          avg = std::sqrt(square_avg[j] - grad_avg[j] * grad_avg[j]) + eps;
        } else {
          avg = std::sqrt(square_avg[j]) + eps;
        }
        if (buf) {
          buf[j] = buf[j] * momentum + g / avg;
          p[j] = p[j] + minus_lr * buf[j];
        } else {
          p[j] = p[j] + minus_lr * (g / avg);
        }
      }
    }
  }

  double weight_decay_, alpha_, eps_, momentum_;
  bool centered_;
};

}  // namespace

template <typename T>
std::unique_ptr<Optimizer<T>> make_rmsprop(ParameterList<T> parameters, const OptimizerOptions& options) {
  return std::make_unique<RmsProp<T>>(std::move(parameters), options);
}

template std::unique_ptr<Optimizer<float>> make_rmsprop(ParameterList<float>, const OptimizerOptions&);
template std::unique_ptr<Optimizer<double>> make_rmsprop(ParameterList<double>, const OptimizerOptions&);

}  // namespace recur::optimizers
