// MemoryTask: the TrainingTask of `recur memory train` — a SequenceModel over
// frames (memory_tasks.h gives them one-hot or as values) trained on freshly
// generated batches of echo, copy or adding sequences.
//
//   echo, adding  the last step's output (pooling "last") -> Linear: the
//                 recalled symbol's logits, or the sum (MSE loss)
//   copy          every step's output -> Linear: a class per step (cross-
//                 entropy over all steps, as Arjovsky et al. 2016)
//
// Training batch i comes from memory_batch_rng(seed, Train, i), so the
// position is the batch count alone. Validation scores a fixed set drawn from
// the Validation stream; `recur memory eval` uses the Test stream: neither
// shares a sequence with training. An "epoch" is kBatchesPerEpoch batches
// (the data never repeats; the word only paces the Trainer's options).
//
// In a checkpoint: "recur.model" {"task": "memory", "memory": MemoryTaskSpec,
// "config": SequenceModelConfig}; "recur.training" "data" {"seed", "batch",
// "validation_examples"}.
#pragma once

#include <memory>

#include "recur/gradient_flow.h"
#include "recur/memory_tasks.h"
#include "recur/sequence_model.h"
#include "recur/training_task.h"

namespace recur {

inline constexpr const char* kMemoryTask = "memory";
inline constexpr int64_t kBatchesPerEpoch = 100;

// What one evaluation found.
struct MemoryScore {
  TaskLoss loss;              // the training loss (cross-entropy, or squared error) over the scored targets
  int64_t sequences = 0;
  int64_t scored = 0;         // echo: sequences; copy: recalled symbols; adding: sequences
  int64_t correct = 0;        // echo, copy
  double accuracy = 0;        // echo, copy: correct / scored
  double mse = 0;             // adding
  double baseline_mse = 0;    // adding: the MSE of always predicting 1 on the same sequences
};

// The loss of one batch (cross-entropy mean over its targets, or MSE) and, with
// `grad_logits`, its gradient with respect to the model's outputs.
TaskLoss memory_loss(const MemoryTaskSpec& spec, const MemoryBatch& batch, const Tensor<float>& logits,
                     Tensor<float>* grad_logits);

// The model's score on `sequences` sequences of `stream` (in batches of `batch`).
MemoryScore evaluate_memory(SequenceModel<float>& model, const MemoryTaskSpec& spec, uint64_t seed,
                            MemoryStream stream, int64_t sequences, int64_t batch);

// The model a memory task trains: frames of the task's width in, its outputs out.
SequenceModelConfig memory_model_config(const MemoryTaskSpec& spec, CellKind cell, int64_t hidden_size,
                                        int64_t num_layers);

// A model read from a memory checkpoint, with the task it was trained on.
struct MemoryModel {
  MemoryTaskSpec spec;
  uint64_t seed = 1;  // the data seed of its training run
  std::unique_ptr<SequenceModel<float>> model;
  // Throws FormatError naming the file (a checkpoint of another task among others).
  static MemoryModel from_checkpoint(const Checkpoint& checkpoint);
};

// `recur gradients` on a memory model: ||dL/dh_k|| for the loss at the last
// step of `batch` sequences of the Test stream (copy: the last recalled
// symbol's), and the W_hh spectra; no gate saturation (char models only).
GradientFlow memory_gradient_flow(MemoryModel& loaded, int64_t batch, int64_t singular_values = 3);

class MemoryTask : public TrainingTask {
 public:
  MemoryTask(const MemoryTaskSpec& spec, const SequenceModelConfig& config, int64_t batch,
             int64_t validation_examples, uint64_t seed);
  static std::unique_ptr<MemoryTask> from_checkpoint(const Checkpoint& checkpoint);

  SequenceModel<float>& model() { return *model_; }
  const MemoryTaskSpec& spec() const { return spec_; }

  ParameterList<float> parameters() override { return model_->parameters(); }
  TaskLoss train_step(Rng& rng) override;
  int64_t tokens_per_step() const override { return batch_ * spec_.steps(); }
  int64_t steps_per_epoch() const override { return kBatchesPerEpoch; }
  double epochs_done() const override {
    return static_cast<double>(batches_) / static_cast<double>(kBatchesPerEpoch);
  }
  bool has(DataPart part) const override { return part == DataPart::Validation && validation_examples_ > 0; }
  TaskLoss evaluate(DataPart part) override;
  std::vector<TaskMetric> validation_metrics() const override { return metrics(spec_.kind); }
  // echo and copy: accuracy; adding has its squared error as the loss already.
  static std::vector<TaskMetric> metrics(MemoryTaskKind kind);
  void reset_carried_state() override {}
  nlohmann::json save_position(Checkpoint&) const override { return {{"batches", batches_}}; }
  void restore_position(const nlohmann::json& position, const Checkpoint&) override {
    batches_ = position.at("batches").get<int64_t>();
  }
  nlohmann::json describe_model() const override;
  nlohmann::json describe_data() const override;

 private:
  MemoryTaskSpec spec_;
  std::unique_ptr<SequenceModel<float>> model_;
  int64_t batch_;
  int64_t validation_examples_;
  uint64_t seed_;
  int64_t batches_ = 0;
  Tensor<float> grad_logits_;
};

}  // namespace recur
