// GradientAverager: the all-reduce of data-parallel training. Each process
// has added the gradients of the mean loss over its own shard of the global
// batch; afterwards every process holds the gradients of the mean loss over
// the whole global batch, as one process training on all of it would have.
//
// Shards may hold different numbers of counted targets (a short last batch,
// variable lengths), so each process's gradients are weighted by its share
// count_r / total of the targets before the sum, not simply averaged.
//
// The gradients travel in buckets: a few large messages rather than one per
// parameter (PyTorch DDP's bucketing, Horovod's tensor fusion), filled in the
// reverse order of the parameters — the order backward finishes them. The
// engine has no per-layer hook in backward (a task's backward runs whole), so
// the all-reduce starts after backward, not during it (docs/scaling.md
// measures what overlap could save).
#pragma once

#include <cstddef>
#include <vector>

#include "recur/communicator.h"
#include "recur/parameter.h"
#include "recur/training_task.h"

namespace recur {

class GradientAverager {
 public:
  static constexpr size_t kBucketBytes = size_t{8} << 20;

  GradientAverager(const Communicator& group, ParameterList<float> parameters, size_t bucket_bytes = kBucketBytes);

  // `local` is this process's loss over its shard; returns the loss over the
  // global batch, and leaves the global gradients on every process.
  TaskLoss average(const TaskLoss& local);

  // Messages per step (for the docs and tests).
  size_t buckets() const { return buckets_.size(); }

 private:
  struct Bucket {
    std::vector<Parameter<float>*> parameters;
    size_t elements = 0;
  };

  const Communicator& group_;
  std::vector<Bucket> buckets_;
  std::vector<float> buffer_;  // one bucket's gradients, packed
};

}  // namespace recur
