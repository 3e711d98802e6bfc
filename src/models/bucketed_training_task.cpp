#include "recur/bucketed_training_task.h"

#include <algorithm>
#include <numeric>

namespace recur {

void BucketedTrainingTask::plan_batches(const std::vector<int64_t>& lengths, int64_t batch_size, uint64_t seed,
                                        StepUnit unit) {
  batcher_.emplace(lengths, batch_size, Rng(seed));
  if (unit == StepUnit::Examples) {
    tokens_per_step_ = batch_size;
  } else {
    const int64_t tokens = std::accumulate(lengths.begin(), lengths.end(), int64_t{0});
    tokens_per_step_ = std::max<int64_t>(1, tokens / batcher_->batches_per_epoch());
  }
}

std::vector<int64_t>& BucketedTrainingTask::next_batch() {
  if (!batcher_->next(rows_)) {
    batcher_->new_epoch();
    batcher_->next(rows_);
  }
  return rows_;
}

double BucketedTrainingTask::epochs_done() const {
  return static_cast<double>(batcher_->epoch()) +
         static_cast<double>(batcher_->batches_taken()) / static_cast<double>(batcher_->batches_per_epoch());
}

nlohmann::json BucketedTrainingTask::save_position(Checkpoint&) const { return {{"batcher", batcher_->position()}}; }

void BucketedTrainingTask::restore_position(const nlohmann::json& position, const Checkpoint&) {
  batcher_->restore(position.at("batcher"));
}

}  // namespace recur
