#include "recur/sequence_task.h"

#include <fmt/format.h>

#include <iostream>

#include "recur/loss.h"
#include "recur/sequence_evaluation.h"

namespace recur {

SequenceReadOptions SequenceDataRecord::read_options(LabelScope scope) const {
  return {.format = format, .scope = scope, .labels_required = true, .column = column};
}

nlohmann::json SequenceDataRecord::to_json() const {
  return {{"train", train},
          {"dev", dev.empty() ? nlohmann::json() : nlohmann::json(dev)},
          {"format", sequence_format_name(format)},
          {"column", column},
          {"batch", batch},
          {"seed", seed}};
}

SequenceDataRecord SequenceDataRecord::from_json(const nlohmann::json& j) {
  SequenceDataRecord r;
  r.train = j.at("train").get<std::string>();
  r.dev = j.at("dev").is_null() ? "" : j.at("dev").get<std::string>();
  r.format = parse_sequence_format(j.at("format").get<std::string>());
  r.column = j.at("column").get<std::string>();
  r.batch = j.at("batch").get<int64_t>();
  r.seed = j.at("seed").get<uint64_t>();
  return r;
}

SequenceTask::SequenceTask(SequenceLabeler labeler, SequenceExamples train, std::optional<SequenceExamples> dev,
                           SequenceDataRecord record)
    : labeler_(std::move(labeler)),
      train_(std::move(train)),
      dev_(std::move(dev)),
      train_encoded_(labeler_.encode(train_, UnknownLabels::Error)),
      record_(std::move(record)) {
  if (dev_) {
    // A dev label the training data lacks can never be predicted: counted as wrong, and said once.
    dev_encoded_ = labeler_.encode(*dev_, UnknownLabels::Count);
    if (dev_encoded_.unknown.count > 0)
      std::cerr << fmt::format("recur: warning: {}: {} (counted as wrong in the dev accuracy)\n", dev_->file,
                               dev_encoded_.unknown.summary());
  }
  // The log's rate counts the targets a step trains on: a label per step, or per sequence.
  plan_batches(train_encoded_.lengths, record_.batch, record_.seed,
               labeler_.scope == LabelScope::PerStep ? StepUnit::Tokens : StepUnit::Examples);
}

std::unique_ptr<SequenceTask> SequenceTask::from_checkpoint(const Checkpoint& checkpoint, LabelScope scope) {
  const std::string where = checkpoint.path.string();
  SequenceLabeler labeler = SequenceLabeler::from_checkpoint(checkpoint, scope);
  if (!checkpoint.training.contains("data"))
    throw FormatError(where + ": recur.training records no training data (\"data\")");
  SequenceDataRecord record;
  try {
    record = SequenceDataRecord::from_json(checkpoint.training.at("data"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.training \"data\" is incomplete: " + e.what());
  }
  SequenceExamples train = read_sequence_examples(record.train, record.read_options(scope));
  std::optional<SequenceExamples> dev;
  if (!record.dev.empty()) dev = read_sequence_examples(record.dev, record.read_options(scope));
  return std::make_unique<SequenceTask>(std::move(labeler), std::move(train), std::move(dev), record);
}

TaskLoss SequenceTask::train_step(Rng& rng) {
  std::vector<int64_t>& rows = next_batch();
  const Shard mine = group_->shard(static_cast<int64_t>(rows.size()));
  if (mine.empty()) return {};  // a short last batch leaves this process nothing
  if (mine.size() < static_cast<int64_t>(rows.size()))
    rows = std::vector<int64_t>(rows.begin() + mine.begin, rows.begin() + mine.end);
  batch_ = labeler_.batch(train_, train_encoded_, rows);
  SequenceModel<float>& model = *labeler_.model;
  const Tensor<float>& logits = model.forward(batch_, /*training=*/true, &rng);
  const CrossEntropyResult<float> ce =
      softmax_cross_entropy<float>(logits, labeler_.batch_targets(batch_.layout, train_encoded_), &grad_logits_);
  model.backward(grad_logits_);
  return {ce.sum_loss, ce.count};
}

TaskLoss SequenceTask::evaluate(DataPart part) {
  if (!has(part)) return {};
  const SequenceEvaluation result = evaluate_sequences(labeler_, *dev_, dev_encoded_, record_.batch);
  std::cerr << fmt::format("dev accuracy {:.4f} ({}/{})\n", result.confusion.accuracy(), result.confusion.correct(),
                           result.confusion.total());
  TaskLoss loss = result.loss;
  loss.metrics = {{"accuracy", result.confusion.accuracy()}, {"macro_f1", result.confusion.macro_f1()}};
  return loss;
}

}  // namespace recur
