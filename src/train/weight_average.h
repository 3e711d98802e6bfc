// WeightAverage: an exponential moving average of the weights (Polyak
// averaging), kept beside the weights the optimizer trains, as PyTorch's
// AveragedModel with an EMA update and Keras's `use_ema`: after each step
//     average <- decay * average + (1 - decay) * weights,
// the first step copying the weights (so the average never holds the random
// start). The average is what validation measures and what checkpoints hold
// as the model; the trained weights are kept in the checkpoint too, under
// "trained.<name>", so that a resumed run continues exactly.
#pragma once

#include <vector>

#include "recur/checkpoint.h"
#include "recur/parameter.h"
#include "recur/tensor.h"

namespace recur {

class WeightAverage {
 public:
  WeightAverage(double decay, ParameterList<float> parameters);

  // After an optimizer step.
  void update();
  int64_t updates() const { return updates_; }

  // Exchanges the averaged and the trained weights in the parameters; a
  // second call puts the trained ones back.
  void swap();

  // The average as the checkpoint's model tensors, the trained weights as "trained.<name>".
  void store(Checkpoint& checkpoint) const;
  // The inverse of store(), after load_parameters() has put the average in the parameters.
  void restore(const Checkpoint& checkpoint, int64_t updates);

  static std::string trained_name(const std::string& parameter) { return "trained." + parameter; }

 private:
  double decay_;
  ParameterList<float> parameters_;
  std::vector<Tensor<float>> average_;
  int64_t updates_ = 0;
};

}  // namespace recur
