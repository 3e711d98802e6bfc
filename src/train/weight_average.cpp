#include "train/weight_average.h"

#include <utility>

namespace recur {

WeightAverage::WeightAverage(double decay, ParameterList<float> parameters)
    : decay_(decay), parameters_(std::move(parameters)) {
  for (const Parameter<float>* p : parameters_) average_.push_back(p->value);
}

void WeightAverage::update() {
  // Each element computed in double and rounded once, so that with a decay
  // near 1 the small share of the new weights is not lost to float rounding.
  const double keep = updates_ == 0 ? 0.0 : decay_;
  for (size_t k = 0; k < parameters_.size(); ++k) {
    float* average = average_[k].data();
    const float* weights = parameters_[k]->value.data();
    for (int64_t i = 0; i < average_[k].numel(); ++i)
      average[i] = static_cast<float>(keep * average[i] + (1 - keep) * weights[i]);
  }
  ++updates_;
}

void WeightAverage::swap() {
  for (size_t k = 0; k < parameters_.size(); ++k) std::swap(parameters_[k]->value, average_[k]);
}

void WeightAverage::store(Checkpoint& checkpoint) const {
  for (size_t k = 0; k < parameters_.size(); ++k) {
    checkpoint.tensors[trained_name(parameters_[k]->name)] = parameters_[k]->value;
    checkpoint.tensors[parameters_[k]->name] = average_[k];
  }
}

void WeightAverage::restore(const Checkpoint& checkpoint, int64_t updates) {
  updates_ = updates;
  for (size_t k = 0; k < parameters_.size(); ++k) {
    Parameter<float>& p = *parameters_[k];
    average_[k] = p.value;
    p.value = checkpoint.tensor(trained_name(p.name), p.value.shape());
  }
}

}  // namespace recur
