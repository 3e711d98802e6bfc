#include "recur/memory_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <numeric>

#include "recur/format_error.h"
#include "recur/loss.h"
#include "recur/option_error.h"
#include "recur/regression_loss.h"

namespace recur {

namespace {

// The engine's layout of B full-length sequences; `frames` must outlive the model's backward.
SequenceBatch sequence_batch(MemoryBatch& batch) {
  SequenceBatch out;
  out.layout.steps = batch.inputs.dim(0);
  out.layout.batch = batch.inputs.dim(1);
  out.layout.examples.resize(out.layout.batch);
  std::iota(out.layout.examples.begin(), out.layout.examples.end(), int64_t{0});
  out.layout.lengths.assign(out.layout.batch, out.layout.steps);
  out.frames = std::move(batch.inputs);
  return out;
}

int64_t argmax_row(const Tensor<float>& logits, int64_t row) {
  const int64_t C = logits.dim(1);
  const float* r = logits.data() + row * C;
  return std::max_element(r, r + C) - r;
}

}  // namespace

TaskLoss memory_loss(const MemoryTaskSpec& spec, const MemoryBatch& batch, const Tensor<float>& logits,
                     Tensor<float>* grad_logits) {
  if (spec.regression()) {
    const RegressionLossResult r = regression_loss(RegressionLoss::Mse, logits, batch.values, grad_logits);
    return {r.sum, r.count};
  }
  const CrossEntropyResult<float> ce = softmax_cross_entropy<float>(logits, batch.classes, grad_logits);
  return {ce.sum_loss, ce.count};
}

MemoryScore evaluate_memory(SequenceModel<float>& model, const MemoryTaskSpec& spec, uint64_t seed,
                            MemoryStream stream, int64_t sequences, int64_t batch_size) {
  MemoryScore score;
  double squared_error = 0, baseline_squared_error = 0;
  for (int64_t index = 0; score.sequences < sequences; ++index) {
    const int64_t B = std::min(batch_size, sequences - score.sequences);
    Rng rng = memory_batch_rng(seed, stream, static_cast<uint64_t>(index));
    MemoryBatch batch = generate_memory_batch(spec, B, rng);
    const SequenceBatch input = sequence_batch(batch);
    const Tensor<float>& logits = model.forward(input, /*training=*/false, nullptr);
    const TaskLoss loss = memory_loss(spec, batch, logits, nullptr);
    score.loss.sum += loss.sum;
    score.loss.count += loss.count;
    score.sequences += B;
    if (spec.regression()) {
      for (int64_t b = 0; b < B; ++b) {
        const double target = batch.values[b];
        squared_error += (logits[b] - target) * (logits[b] - target);
        baseline_squared_error += (1.0 - target) * (1.0 - target);
      }
      score.scored += B;
      continue;
    }
    // echo: one row per sequence; copy: rows (t, b) of the last `items` steps hold the recalled symbols.
    const int64_t first_row = spec.per_step() ? (spec.steps() - spec.items) * B : 0;
    for (int64_t row = first_row; row < logits.dim(0); ++row) {
      score.correct += argmax_row(logits, row) == batch.classes[row] ? 1 : 0;
      ++score.scored;
    }
  }
  const auto n = static_cast<double>(std::max<int64_t>(1, score.scored));
  if (spec.regression()) {
    score.mse = squared_error / n;
    score.baseline_mse = baseline_squared_error / n;
  } else {
    score.accuracy = static_cast<double>(score.correct) / n;
  }
  return score;
}

SequenceModelConfig memory_model_config(const MemoryTaskSpec& spec, CellKind cell, int64_t hidden_size,
                                        int64_t num_layers) {
  SequenceModelConfig c;
  c.input.kind = InputKind::Frames;
  c.input.frame_width = spec.input_width();
  c.cell = cell;
  c.hidden_size = hidden_size;
  c.num_layers = num_layers;
  c.bidirectional = false;
  if (!spec.per_step()) c.pooling = PoolingMode::Last;
  c.classes = spec.outputs();
  return c;
}

MemoryModel MemoryModel::from_checkpoint(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  require_task(checkpoint, kMemoryTask, "a memory-task model");
  MemoryModel loaded;
  SequenceModelConfig config;
  try {
    loaded.spec = MemoryTaskSpec::from_json(checkpoint.model.at("memory"));
    config = SequenceModelConfig::from_json(checkpoint.model.at("config"));
    if (checkpoint.training.contains("data")) loaded.seed = checkpoint.training.at("data").at("seed").get<uint64_t>();
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.model does not describe a memory-task model: " + e.what());
  }
  if (config.input.kind != InputKind::Frames || config.input.frame_width != loaded.spec.input_width() ||
      config.classes != loaded.spec.outputs())
    throw FormatError(fmt::format("{}: the model's input width {} and outputs {} do not fit the {} task ({} and {})",
                                  where, config.input.frame_width, config.classes,
                                  memory_task_name(loaded.spec.kind), loaded.spec.input_width(),
                                  loaded.spec.outputs()));
  const ParameterBudget budget = parameter_budget(checkpoint);
  Rng unused(0);  // every parameter is overwritten below
  loaded.model = std::make_unique<SequenceModel<float>>(config, unused);
  load_parameters(checkpoint, loaded.model->parameters());
  return loaded;
}

GradientFlow memory_gradient_flow(MemoryModel& loaded, int64_t batch_size, int64_t singular_values) {
  if (batch_size < 1) throw OptionError("batch", fmt::format("must be >= 1, got {}", batch_size));
  const MemoryTaskSpec& spec = loaded.spec;
  Rng rng = memory_batch_rng(loaded.seed, MemoryStream::Test, 0);
  MemoryBatch batch = generate_memory_batch(spec, batch_size, rng);
  if (spec.per_step())  // copy: only the last step's target counts
    std::fill(batch.classes.begin(), batch.classes.end() - batch_size, int64_t{-100});
  const SequenceBatch input = sequence_batch(batch);
  SequenceModel<float>& model = *loaded.model;
  GradientFlow flow;
  flow.cell = cell_name(model.config().cell);
  flow.steps = spec.steps();
  flow.batch = batch_size;
  {
    // Every loss here is a mean over the batch's rows: times B, each row's own.
    StateGradientRecorder recorder(model.recurrent(), spec.steps(), static_cast<double>(batch_size));
    Tensor<float> grad_logits;
    memory_loss(spec, batch, model.forward(input, /*training=*/false, nullptr), &grad_logits);
    model.backward(grad_logits);
    flow.units = recorder.units();
  }
  zero_grad(model.parameters());
  flow.spectra = recurrent_spectra(model.recurrent(), singular_values);
  return flow;
}

MemoryTask::MemoryTask(const MemoryTaskSpec& spec, const SequenceModelConfig& config, int64_t batch,
                       int64_t validation_examples, uint64_t seed)
    : spec_(spec), batch_(batch), validation_examples_(validation_examples), seed_(seed) {
  spec_.validate();
  if (batch_ < 1) throw OptionError("batch", fmt::format("must be >= 1, got {}", batch_));
  if (validation_examples_ < 0)
    throw OptionError("validation_examples", fmt::format("must be >= 0, got {}", validation_examples_));
  Rng init(seed);
  model_ = std::make_unique<SequenceModel<float>>(config, init);
}

std::unique_ptr<MemoryTask> MemoryTask::from_checkpoint(const Checkpoint& checkpoint) {
  MemoryModel loaded = MemoryModel::from_checkpoint(checkpoint);
  int64_t batch = 0, validation_examples = 0;
  try {
    const nlohmann::json& data = checkpoint.training.at("data");
    batch = data.at("batch").get<int64_t>();
    validation_examples = data.at("validation_examples").get<int64_t>();
  } catch (const std::exception& e) {
    throw FormatError(checkpoint.path.string() + ": recur.training \"data\" is incomplete: " + e.what());
  }
  auto task = std::make_unique<MemoryTask>(loaded.spec, loaded.model->config(), batch, validation_examples,
                                           loaded.seed);
  task->model_ = std::move(loaded.model);
  return task;
}

TaskLoss MemoryTask::train_step(Rng& rng) {
  Rng data = memory_batch_rng(seed_, MemoryStream::Train, static_cast<uint64_t>(batches_++));
  MemoryBatch batch = generate_memory_batch(spec_, batch_, data);
  const SequenceBatch input = sequence_batch(batch);
  const Tensor<float>& logits = model_->forward(input, /*training=*/true, &rng);
  const TaskLoss loss = memory_loss(spec_, batch, logits, &grad_logits_);
  model_->backward(grad_logits_);
  return loss;
}

TaskLoss MemoryTask::evaluate(DataPart part) {
  if (!has(part)) return {};
  const MemoryScore s = evaluate_memory(*model_, spec_, seed_, MemoryStream::Validation, validation_examples_, batch_);
  if (spec_.regression())
    std::cerr << fmt::format("dev mse {:.5f} (baseline {:.5f})\n", s.mse, s.baseline_mse);
  else
    std::cerr << fmt::format("dev accuracy {:.4f} ({}/{})\n", s.accuracy, s.correct, s.scored);
  TaskLoss loss = s.loss;
  if (!spec_.regression()) loss.metrics = {{"accuracy", s.accuracy}};
  return loss;
}

std::vector<TaskMetric> MemoryTask::metrics(MemoryTaskKind kind) {
  if (kind == MemoryTaskKind::Adding) return {};
  return {{"accuracy", true}};
}

nlohmann::json MemoryTask::describe_model() const {
  return {{"task", kMemoryTask}, {"memory", spec_.to_json()}, {"config", model_->config().to_json()}};
}

nlohmann::json MemoryTask::describe_data() const {
  return {{"seed", seed_}, {"batch", batch_}, {"validation_examples", validation_examples_}};
}

}  // namespace recur
