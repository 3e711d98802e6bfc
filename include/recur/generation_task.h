// GenerationTask: the TrainingTask of `recur seq2seq train` and `recur
// caption train` — a GenerationModel trained by teacher forcing on
// (source, reference) pairs in length-bucketed batches (every reference of an
// example is a pair of its own), validated on a dev set by the mean
// cross-entropy per target token and by greedy decoding's scores (exact match,
// token error rate, token accuracy, BLEU-4; the Trainer selects checkpoints by
// the cross-entropy unless --monitor names one of them), the first two printed
// to standard error at each validation.
//
// describe_data (kept in "recur.training" for --resume):
//   {"train": PATH, "dev": PATH | null, "batch": 32, "seed": 1, "max_length": 100}
#pragma once

#include <memory>
#include <optional>

#include "recur/generation_metrics.h"
#include "recur/generation_model.h"
#include "recur/bucketed_training_task.h"

namespace recur {

struct GenerationDataRecord {
  std::string train;
  std::string dev;  // empty: none
  int64_t batch = 32;
  uint64_t seed = 1;
  int64_t max_length = 100;  // of greedy decoding at validation
  nlohmann::json to_json() const;
  static GenerationDataRecord from_json(const nlohmann::json& json);
};

// What `recur seq2seq|caption eval` decodes with unless told otherwise (and
// so what `recur report` decodes with, to print the same figures).
inline constexpr int64_t kDefaultDecodeMaxLength = 100;  // tokens, the end token counted
inline constexpr int64_t kDefaultDecodeBatch = 64;       // inputs decoded at once

// Reads a file the way the model reads it (TSV pairs or caption JSONL).
GenerationData read_generation_data(const GenerationModel& model, const std::string& path, bool targets_required);

// Greedy (or beam) decoding of `data` scored against its references.
GenerationScores score_generation(const GenerationModel& model, const GenerationData& data,
                                  const DecodingOptions& options, int64_t batch_size,
                                  std::vector<std::vector<Hypothesis>>* outputs = nullptr);

class GenerationTask : public BucketedTrainingTask {
 public:
  GenerationTask(GenerationModel model, GenerationData train, std::optional<GenerationData> dev,
                 GenerationDataRecord record);
  // Rebuilds the task a checkpoint of `task` was trained as, reading its files again.
  static std::unique_ptr<GenerationTask> from_checkpoint(const Checkpoint& checkpoint, const std::string& task);

  GenerationModel& model() { return model_; }
  ParameterList<float> parameters() override { return model_.model->parameters(); }
  TaskLoss train_step(Rng& rng) override;
  bool has(DataPart part) const override { return part == DataPart::Validation && dev_.has_value(); }
  TaskLoss evaluate(DataPart part) override;
  std::vector<TaskMetric> validation_metrics() const override { return metrics(); }
  static std::vector<TaskMetric> metrics() {
    return {{"exact_match", true}, {"token_error_rate", false}, {"token_accuracy", true}, {"bleu", true}};
  }
  nlohmann::json describe_model() const override { return model_.describe(); }
  nlohmann::json describe_data() const override { return record_.to_json(); }

 private:
  GenerationModel model_;
  GenerationData train_;
  std::optional<GenerationData> dev_;
  GenerationDataRecord record_;
  std::vector<TargetRef> train_targets_, dev_targets_;
  Tensor<float> grad_logits_;
};

}  // namespace recur
