#include "recur/generation_task.h"

#include <fmt/format.h>

#include <iostream>

#include "recur/format_error.h"
#include "recur/loss.h"

namespace recur {

nlohmann::json GenerationDataRecord::to_json() const {
  return {{"train", train},
          {"dev", dev.empty() ? nlohmann::json() : nlohmann::json(dev)},
          {"batch", batch},
          {"seed", seed},
          {"max_length", max_length}};
}

GenerationDataRecord GenerationDataRecord::from_json(const nlohmann::json& j) {
  GenerationDataRecord r;
  r.train = j.at("train").get<std::string>();
  r.dev = j.at("dev").is_null() ? "" : j.at("dev").get<std::string>();
  r.batch = j.at("batch").get<int64_t>();
  r.seed = j.at("seed").get<uint64_t>();
  r.max_length = j.at("max_length").get<int64_t>();
  return r;
}

GenerationData read_generation_data(const GenerationModel& model, const std::string& path, bool targets_required) {
  if (model.vector_source()) return model.encode(read_caption_jsonl(path, model.caption_options(targets_required)));
  return model.encode(read_paired_text(path, model.text_options(targets_required)));
}

GenerationScores score_generation(const GenerationModel& model, const GenerationData& data,
                                  const DecodingOptions& options, int64_t batch_size,
                                  std::vector<std::vector<Hypothesis>>* outputs) {
  std::vector<std::vector<Hypothesis>> decoded = model.decode(data, options, batch_size, nullptr);
  GenerationScores scores;
  for (int64_t e = 0; e < data.size(); ++e) scores.add(decoded[e][0].tokens, data.references[e]);
  if (outputs) *outputs = std::move(decoded);
  return scores;
}

namespace {
std::vector<int64_t> target_lengths(const GenerationData& data, const std::vector<TargetRef>& targets) {
  std::vector<int64_t> lengths;
  for (const TargetRef& t : targets) lengths.push_back(static_cast<int64_t>(data.references[t.example][t.reference].size()) + 1);
  return lengths;
}
}  // namespace

GenerationTask::GenerationTask(GenerationModel model, GenerationData train, std::optional<GenerationData> dev,
                               GenerationDataRecord record)
    : model_(std::move(model)),
      train_(std::move(train)),
      dev_(std::move(dev)),
      record_(std::move(record)),
      train_targets_(all_targets(train_)) {
  if (dev_) dev_targets_ = all_targets(*dev_);
  plan_batches(target_lengths(train_, train_targets_), record_.batch, record_.seed, StepUnit::Tokens);
}

std::unique_ptr<GenerationTask> GenerationTask::from_checkpoint(const Checkpoint& checkpoint, const std::string& task) {
  const std::string where = checkpoint.path.string();
  GenerationModel model = GenerationModel::from_checkpoint(checkpoint, task);
  GenerationDataRecord record;
  try {
    record = GenerationDataRecord::from_json(checkpoint.training.at("data"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.training records no complete training data (\"data\"): " + e.what());
  }
  GenerationData train = read_generation_data(model, record.train, true);
  std::optional<GenerationData> dev;
  if (!record.dev.empty()) dev = read_generation_data(model, record.dev, true);
  return std::make_unique<GenerationTask>(std::move(model), std::move(train), std::move(dev), record);
}

TaskLoss GenerationTask::train_step(Rng& rng) {
  std::vector<TargetRef> rows;
  for (int64_t i : next_batch()) rows.push_back(train_targets_[i]);
  const EncoderDecoderBatch batch = model_.batch(train_, rows);
  EncoderDecoder<float>& model = *model_.model;
  const Tensor<float>& logits = model.forward(batch, /*training=*/true, &rng);
  const CrossEntropyResult<float> ce = softmax_cross_entropy<float>(logits, batch.targets, &grad_logits_);
  model.backward(grad_logits_);
  return {ce.sum_loss, ce.count};
}

TaskLoss GenerationTask::evaluate(DataPart part) {
  if (!has(part)) return {};
  TaskLoss loss;
  const std::vector<int64_t> lengths = target_lengths(*dev_, dev_targets_);
  for (const std::vector<int64_t>& indices : evaluation_batches(lengths, record_.batch, true)) {
    std::vector<TargetRef> rows;
    for (int64_t i : indices) rows.push_back(dev_targets_[i]);
    const EncoderDecoderBatch batch = model_.batch(*dev_, rows);
    const Tensor<float>& logits = model_.model->forward(batch, /*training=*/false, nullptr);
    const CrossEntropyResult<float> ce = softmax_cross_entropy<float>(logits, batch.targets, nullptr);
    loss.sum += ce.sum_loss;
    loss.count += ce.count;
  }
  const GenerationScores scores =
      score_generation(model_, *dev_, model_.decoding_options(record_.max_length, 1, 0.0), record_.batch * 4);
  std::cerr << fmt::format("dev exact match {:.4f} ({}/{}), token error rate {:.4f}\n", scores.exact_match(),
                           scores.exact(), scores.outputs(), scores.token_error_rate());
  loss.metrics = {{"exact_match", scores.exact_match()},
                  {"token_error_rate", scores.token_error_rate()},
                  {"token_accuracy", scores.token_accuracy()},
                  {"bleu", scores.bleu()}};
  return loss;
}

}  // namespace recur
