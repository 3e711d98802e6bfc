#include "train/gradient_averaging.h"

#include <algorithm>

namespace recur {

GradientAverager::GradientAverager(const Communicator& group, ParameterList<float> parameters, size_t bucket_bytes)
    : group_(group) {
  const size_t bucket_elements = std::max<size_t>(1, bucket_bytes / sizeof(float));
  Bucket bucket;
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    const auto n = static_cast<size_t>((*it)->grad.numel());
    if (!bucket.parameters.empty() && bucket.elements + n > bucket_elements) {
      buckets_.push_back(std::move(bucket));
      bucket = Bucket();
    }
    bucket.parameters.push_back(*it);
    bucket.elements += n;
  }
  if (!bucket.parameters.empty()) buckets_.push_back(std::move(bucket));
  size_t largest = 0;
  for (const Bucket& b : buckets_) largest = std::max(largest, b.elements);
  buffer_.resize(largest);
}

TaskLoss GradientAverager::average(const TaskLoss& local) {
  if (!group_.distributed()) return local;
  double loss[2] = {local.sum, static_cast<double>(local.count)};
  group_.all_reduce_sum(std::span<double>(loss));
  const TaskLoss global{loss[0], static_cast<int64_t>(loss[1])};
  // The weight of this shard's mean-loss gradients in the global mean.
  const auto weight = global.count > 0 ? static_cast<float>(static_cast<double>(local.count) / loss[1]) : 0.0f;
  for (const Bucket& bucket : buckets_) {
    float* out = buffer_.data();
    for (const Parameter<float>* p : bucket.parameters)
      out = std::transform(p->grad.values().begin(), p->grad.values().end(), out,
                           [weight](float g) { return g * weight; });
    group_.all_reduce_sum(std::span<float>(buffer_.data(), bucket.elements));
    const float* in = buffer_.data();
    for (Parameter<float>* p : bucket.parameters) {
      std::copy(in, in + p->grad.numel(), p->grad.values().begin());
      in += p->grad.numel();
    }
  }
  return global;
}

}  // namespace recur
