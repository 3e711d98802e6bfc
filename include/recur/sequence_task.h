// SequenceTask: the TrainingTask of `recur classify train` and `recur tag
// train` — a SequenceLabeler over labelled sequences, in length-bucketed
// batches (length_bucket_batcher.h), validated on a dev set (model selection
// and early stopping by the Trainer, on the dev cross-entropy unless
// --monitor names one of its validation_metrics()).
//
// Each validation also prints the dev accuracy to standard error ("dev
// accuracy 0.8521 (743/872)").
//
// describe_data (kept in "recur.training" for --resume):
//   {"train": PATH, "dev": PATH | null, "format": "tsv", "column": "upos", "batch": 32, "seed": 1}
#pragma once

#include <memory>
#include <optional>

#include "recur/bucketed_training_task.h"
#include "recur/sequence_labeler.h"

namespace recur {

struct SequenceDataRecord {
  std::string train;
  std::string dev;                          // empty: none
  SequenceFormat format = SequenceFormat::Auto;  // as given (auto resolves per file)
  std::string column = "upos";
  int64_t batch = 32;
  uint64_t seed = 1;

  SequenceReadOptions read_options(LabelScope scope) const;
  nlohmann::json to_json() const;
  static SequenceDataRecord from_json(const nlohmann::json& json);
};

class SequenceTask : public BucketedTrainingTask {
 public:
  // Dev labels the training data lacks are counted (as wrong) with a warning.
  SequenceTask(SequenceLabeler labeler, SequenceExamples train, std::optional<SequenceExamples> dev,
               SequenceDataRecord record);
  // The task a checkpoint was trained as (require_task: classify or tag), its
  // data read again from the recorded files.
  static std::unique_ptr<SequenceTask> from_checkpoint(const Checkpoint& checkpoint, LabelScope scope);

  SequenceLabeler& labeler() { return labeler_; }

  ParameterList<float> parameters() override { return labeler_.model->parameters(); }
  TaskLoss train_step(Rng& rng) override;
  bool has(DataPart part) const override { return part == DataPart::Validation && dev_.has_value(); }
  TaskLoss evaluate(DataPart part) override;
  // accuracy (the fraction of labels right) and macro_f1, as `eval --json` names them.
  std::vector<TaskMetric> validation_metrics() const override { return metrics(); }
  static std::vector<TaskMetric> metrics() { return {{"accuracy", true}, {"macro_f1", true}}; }
  nlohmann::json describe_model() const override { return labeler_.describe(); }
  nlohmann::json describe_data() const override { return record_.to_json(); }
  // Each process trains on a contiguous block of each batch's examples (longest first, as the batch is).
  void distribute(const Communicator& group) override { group_ = &group; }

 private:
  SequenceLabeler labeler_;
  SequenceExamples train_;
  std::optional<SequenceExamples> dev_;
  EncodedSequences train_encoded_, dev_encoded_;
  SequenceDataRecord record_;
  const Communicator* group_ = &single_process();
  SequenceBatch batch_;
  Tensor<float> grad_logits_;
};

}  // namespace recur
