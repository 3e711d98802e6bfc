// BucketedTrainingTask: the half of a TrainingTask that is the same for every
// task over independent examples in length-bucketed batches (classify, tag,
// seq2seq, caption): the batch order (LengthBucketBatcher), the epoch count,
// the resume position, and no state carried from one batch to the next.
//
// A task derives from it, plans its batches once its examples are read
// (plan_batches, in its constructor), takes each step's examples from
// next_batch(), and writes has, train_step, evaluate and the describe_* itself.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "recur/length_bucket_batcher.h"
#include "recur/training_task.h"

namespace recur {

class BucketedTrainingTask : public TrainingTask {
 public:
  int64_t tokens_per_step() const override { return tokens_per_step_; }
  int64_t steps_per_epoch() const override { return batcher_->batches_per_epoch(); }
  double epochs_done() const override;
  void reset_carried_state() override {}  // examples are independent: nothing crosses batches
  nlohmann::json save_position(Checkpoint& checkpoint) const override;
  void restore_position(const nlohmann::json& position, const Checkpoint& checkpoint) override;

 protected:
  // What the training log's rate counts per step.
  enum class StepUnit {
    Tokens,    // the mean over an epoch's batches of their examples' lengths summed
    Examples,  // the batch size (one target per example)
  };

  // lengths[i]: the length of training example i (>= 1); the order is drawn from `seed`.
  void plan_batches(const std::vector<int64_t>& lengths, int64_t batch_size, uint64_t seed, StepUnit unit);

  // The next batch's example indices, longest first; a new epoch begins where
  // one is used up. The vector is the task's to change (a process's shard).
  std::vector<int64_t>& next_batch();

 private:
  std::optional<LengthBucketBatcher> batcher_;  // set by plan_batches, once the examples are known
  int64_t tokens_per_step_ = 1;
  std::vector<int64_t> rows_;
};

}  // namespace recur
