// SGD with momentum, dampening and Nesterov momentum: torch.optim.SGD (1.13).
//
//   d = g + weight_decay * p                                 (L2 in the gradient)
//   if momentum != 0:
//     buf = d                                   on the first step
//     buf = momentum * buf + (1 - dampening) * d  afterwards
//     d = d + momentum * buf    (nesterov)   or   d = buf
//   p = p - lr * d
#include <cstddef>

#include "train/optimizers.h"

namespace recur::optimizers {

namespace {

template <typename T>
class Sgd final : public Optimizer<T> {
 public:
  Sgd(ParameterList<T> parameters, const OptimizerOptions& options)
      : Optimizer<T>("sgd", std::move(parameters), options,
                     *options.momentum != 0 ? std::vector<std::string>{"momentum_buffer"} : std::vector<std::string>{}),
        weight_decay_(*options.weight_decay),
        momentum_(*options.momentum),
        dampening_(*options.dampening),
        nesterov_(*options.nesterov) {}

 private:
  void update(double learning_rate, int64_t step) override {
    const T weight_decay = T(weight_decay_), momentum = T(momentum_), one_minus_dampening = T(1 - dampening_);
    const T minus_lr = T(-learning_rate);
    const ParameterList<T>& parameters = this->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      T* p = parameters[i]->value.data();
      const T* g = parameters[i]->grad.data();
      T* buf = momentum_ != 0 ? this->buffer(0, i).data() : nullptr;
      const int64_t n = parameters[i]->value.numel();
      for (int64_t j = 0; j < n; ++j) {
        T d = g[j];
        if (weight_decay_ != 0) d = d + weight_decay * p[j];
        if (buf) {
          buf[j] = step == 1 ? d : buf[j] * momentum + one_minus_dampening * d;
          d = nesterov_ ? d + momentum * buf[j] : buf[j];
        }
        p[j] = p[j] + minus_lr * d;
      }
    }
  }

  double weight_decay_, momentum_, dampening_;
  bool nesterov_;
};

}  // namespace

template <typename T>
std::unique_ptr<Optimizer<T>> make_sgd(ParameterList<T> parameters, const OptimizerOptions& options) {
  return std::make_unique<Sgd<T>>(std::move(parameters), options);
}

template std::unique_ptr<Optimizer<float>> make_sgd(ParameterList<float>, const OptimizerOptions&);
template std::unique_ptr<Optimizer<double>> make_sgd(ParameterList<double>, const OptimizerOptions&);

}  // namespace recur::optimizers
