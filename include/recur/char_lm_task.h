// CharLanguageModelTask: the TrainingTask of `recur train` — a LanguageModel
// over a character (or byte) corpus, batched as char-rnn does: `batch`
// parallel streams, truncated BPTT over `seq` steps, the hidden state carried
// from chunk to chunk and reset only when an epoch starts over.
#pragma once

#include <memory>
#include <vector>

#include "recur/char_model.h"
#include "recur/char_training_data.h"
#include "recur/stream_batcher.h"
#include "recur/training_task.h"

namespace recur {

class CharLanguageModelTask : public TrainingTask {
 public:
  // `seq` = 0 means full BPTT: each stream is backpropagated whole.
  CharLanguageModelTask(CharModel model, CharCorpusSplit data, int64_t batch, int64_t seq);
  // The task a checkpoint was trained as: its model, and its text read again
  // from the checkpoint's data record. A text that changed since is refused
  // (describe_text_change), since the run could not continue exactly.
  static std::unique_ptr<CharLanguageModelTask> from_checkpoint(const Checkpoint& checkpoint);

  const CharModel& model() const { return model_; }

  ParameterList<float> parameters() override { return model_.model->parameters(); }
  TaskLoss train_step(Rng& rng) override;
  int64_t tokens_per_step() const override { return batcher_.streams() * batcher_.steps(); }
  int64_t steps_per_epoch() const override { return batcher_.batches_per_epoch(); }
  double epochs_done() const override;
  bool has(DataPart part) const override;
  TaskLoss evaluate(DataPart part) override;
  void reset_carried_state() override { state_ = RecurrentState<float>(); }
  nlohmann::json save_position(Checkpoint& checkpoint) const override;
  void restore_position(const nlohmann::json& position, const Checkpoint& checkpoint) override;
  nlohmann::json describe_model() const override { return model_.describe(); }
  nlohmann::json describe_data() const override { return data_.source; }
  // Each process trains on a contiguous block of the streams, and carries their state.
  void distribute(const Communicator& group) override;

 private:
  CharModel model_;
  CharCorpusSplit data_;
  StreamBatcher batcher_;
  int64_t eval_steps_;
  int64_t epoch_ = 0;
  StreamBatch batch_;
  const Communicator* group_ = &single_process();
  Shard streams_;                // this process's streams (all of them, alone)
  StreamBatch shard_batch_;      // their columns of batch_, when distributed
  RecurrentState<float> state_;  // carried across chunks, for streams_ only
};

}  // namespace recur
