// The training loop: exact resume, the guard against non-finite steps,
// checkpoints kept, limits.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "recur/char_lm_task.h"
#include "recur/option_error.h"
#include "recur/trainer.h"
#include "recur/vocabulary.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recur_trainer_test_" + name);
  fs::remove_all(dir);
  return dir;
}

const char* kText =
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n";

// A small char model + task over kText; dropout on so that resume must restore the RNG.
struct SmallRun {
  CharModel model;
  std::unique_ptr<CharLanguageModelTask> task;

  explicit SmallRun(uint64_t seed = 3) {
    std::vector<char32_t> symbols;
    for (const char* c = kText; *c; ++c) symbols.push_back(static_cast<unsigned char>(*c));
    model.vocabulary = Vocabulary::of_text(symbols, TextUnit::CodePoint);
    LanguageModelConfig config{.cell = CellKind::Lstm, .vocab_size = model.vocabulary.size(), .embedding_size = 8,
                               .hidden_size = 16, .num_layers = 2, .dropout = 0.2};
    Rng rng(seed);
    model.model = std::make_unique<LanguageModel>(config, rng);
    const std::vector<int64_t> ids = model.vocabulary.encode(symbols);
    const auto split = static_cast<ptrdiff_t>(ids.size() * 9 / 10);
    CharCorpusSplit data{{ids.begin(), ids.begin() + split}, {ids.begin() + split, ids.end()}, {}, {}};
    data.source = {{"paths", nlohmann::json::array()}, {"unit", "codepoint"}};
    task = std::make_unique<CharLanguageModelTask>(std::move(model), std::move(data), 3, 7);
  }
};

TrainerOptions options_for(const fs::path& dir, int64_t iterations) {
  TrainerOptions o;
  o.run_dir = dir;
  o.optimizer = "adam";
  o.schedule.base_lr = 0.01;
  o.max_iterations = iterations;
  o.epochs = 0;
  o.eval_every = 4;
  o.log_every = 1000;
  return o;
}

// 10 iterations straight against 5, then a resume to 10 in a new process's
// model (different initial weights: the checkpoint must overwrite them).
void expect_resumed_run_equals_uninterrupted_run(const std::string& name, double ema_decay) {
  auto options = [&](const fs::path& dir, int64_t iterations) {
    TrainerOptions o = options_for(dir, iterations);
    o.ema_decay = ema_decay;
    return o;
  };
  // Uninterrupted: 10 iterations (crossing an epoch boundary: 6 batches/epoch).
  SmallRun straight;
  ASSERT_LT(straight.task->steps_per_epoch(), 10);
  const fs::path dir_a = fresh_dir(name + "_straight");
  Trainer(*straight.task, options(dir_a, 10)).run();

  // Interrupted after 5 (not a multiple of eval_every: the stop itself saves), then resumed.
  SmallRun first_half;
  const fs::path dir_b = fresh_dir(name + "_resumed");
  Trainer(*first_half.task, options(dir_b, 5)).run();
  const Checkpoint saved = load_checkpoint(dir_b / "last.safetensors");
  EXPECT_EQ(saved.training.at("iteration").get<int64_t>(), 5);
  SmallRun second_half(/*seed=*/99);
  Trainer resumed(*second_half.task, options(dir_b, 10));
  resumed.resume(saved);
  resumed.run();

  const auto a = straight.task->parameters();
  const auto b = second_half.task->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k)
    for (int64_t i = 0; i < a[k]->value.numel(); ++i)
      ASSERT_EQ(a[k]->value[i], b[k]->value[i]) << a[k]->name << "[" << i << "]";
  // And so are the checkpoints: the weights (averaged too, with ema_decay), the optimizer's state.
  const Checkpoint last_a = load_checkpoint(dir_a / "last.safetensors");
  const Checkpoint last_b = load_checkpoint(dir_b / "last.safetensors");
  ASSERT_EQ(last_a.tensors.size(), last_b.tensors.size());
  for (const auto& [tensor_name, tensor] : last_a.tensors)
    for (int64_t i = 0; i < tensor.numel(); ++i)
      ASSERT_EQ(tensor[i], last_b.tensor(tensor_name)[i]) << tensor_name << "[" << i << "]";
  EXPECT_TRUE(fs::exists(dir_a / "best.safetensors"));
}

TEST(Trainer, InterruptedAndResumedRunEqualsUninterruptedRun) {
  expect_resumed_run_equals_uninterrupted_run("resume", /*ema_decay=*/0);
}

TEST(Trainer, InterruptedAndResumedRunEqualsUninterruptedRunWithAveragedWeights) {
  expect_resumed_run_equals_uninterrupted_run("resume_ema", /*ema_decay=*/0.9);
}

// A one-parameter task whose loss is (w - 3)^2, poisoned at chosen iterations.
class QuadraticTask : public TrainingTask {
 public:
  std::vector<int64_t> poisoned;  // 0-based calls that return NaN
  bool poison_gradient_only = false;  // then: a finite loss and an infinite gradient
  int64_t calls = 0, resets = 0;
  Parameter<float> w{"w", {1}};

  ParameterList<float> parameters() override { return {&w}; }
  TaskLoss train_step(Rng&) override {
    const bool poison = std::find(poisoned.begin(), poisoned.end(), calls++) != poisoned.end();
    const float diff = w.value[0] - 3.0f;
    if (poison && poison_gradient_only) {
      w.grad[0] += std::numeric_limits<float>::infinity();
      return {double(diff * diff), 1};
    }
    w.grad[0] += poison ? std::numeric_limits<float>::quiet_NaN() : 2 * diff;
    return {poison ? std::numeric_limits<double>::quiet_NaN() : double(diff * diff), 1};
  }
  int64_t tokens_per_step() const override { return 1; }
  int64_t steps_per_epoch() const override { return 1000; }
  double epochs_done() const override { return calls / 1000.0; }
  bool has(DataPart) const override { return false; }
  TaskLoss evaluate(DataPart) override { return {}; }
  void reset_carried_state() override { ++resets; }
  nlohmann::json save_position(Checkpoint&) const override { return {{"calls", calls}}; }
  void restore_position(const nlohmann::json& p, const Checkpoint&) override { calls = p.at("calls"); }
  nlohmann::json describe_model() const override { return {{"task", "quadratic"}}; }
  nlohmann::json describe_data() const override { return nlohmann::json::object(); }
};

TEST(Trainer, NonFiniteStepNeverReachesTheWeights) {
  QuadraticTask task;
  task.poisoned = {2};
  TrainerOptions o = options_for(fresh_dir("nan_once"), 3);
  o.optimizer = "sgd";
  o.schedule.base_lr = 0.1;
  o.clip_mode = ClipMode::None;
  const TrainingOutcome outcome = Trainer(task, o).run();
  EXPECT_EQ(outcome.skipped_steps, 1);
  EXPECT_EQ(task.resets, 1);
  // Two good SGD steps from w = 0: w <- w - 0.1 * 2 (w - 3), never NaN.
  const float expected = 0.6f + 0.1f * 2 * (3.0f - 0.6f);
  EXPECT_FLOAT_EQ(task.w.value[0], expected);
}

// The loss alone does not tell: the gradient is checked too (through its norm).
TEST(Trainer, InfiniteGradientUnderAFiniteLossNeverReachesTheWeights) {
  for (const ClipMode clip : {ClipMode::None, ClipMode::Norm}) {
    SCOPED_TRACE(clip == ClipMode::Norm ? "norm clipping" : "no clipping");
    QuadraticTask task;
    task.poisoned = {1};
    task.poison_gradient_only = true;
    TrainerOptions o = options_for(fresh_dir("inf_gradient"), 2);
    o.optimizer = "sgd";
    o.schedule.base_lr = 0.1;
    o.clip_mode = clip;
    o.clip = 100;  // never reached by the good step's gradient (-6)
    const TrainingOutcome outcome = Trainer(task, o).run();
    EXPECT_EQ(outcome.skipped_steps, 1);
    EXPECT_FLOAT_EQ(task.w.value[0], 0.6f);  // the one good step from w = 0
  }
}

TEST(Trainer, RepeatedNonFiniteStepsStopTheRunWithAMessage) {
  QuadraticTask task;
  task.poisoned = {1, 2, 3};
  TrainerOptions o = options_for(fresh_dir("nan_repeated"), 10);
  o.max_bad_steps = 3;
  try {
    Trainer(task, o).run();
    FAIL() << "expected the run to stop";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("3 consecutive non-finite steps"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("last good state (after iteration 1) is saved in"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(std::isfinite(task.w.value[0]));
  // Saved before stopping: the weights after the one good step. Adam's first step moves each weight by
  // the learning rate against the gradient's sign (gradient 2 (0 - 3) < 0), so w = 0 + 0.01.
  const Checkpoint saved = load_checkpoint(o.run_dir / "last.safetensors");
  EXPECT_NEAR(saved.tensor("w")[0], 0.01f, 1e-6f);
  EXPECT_EQ(saved.training.at("iteration").get<int64_t>(), 4);
}

TEST(Trainer, RejectsOptionsOutOfRange) {
  QuadraticTask task;
  TrainerOptions o = options_for(fresh_dir("bad_options"), 10);
  o.eval_every = 0;
  EXPECT_THROW(Trainer(task, o), std::invalid_argument);
  o = options_for(fresh_dir("bad_options"), 0);
  EXPECT_THROW(Trainer(task, o), std::invalid_argument);  // no limit at all
  o = options_for(fresh_dir("bad_options"), 10);
  o.optimizer = "adadelta";
  EXPECT_THROW(Trainer(task, o), std::invalid_argument);
  for (const double decay : {1.0, -0.1, std::nan("")}) {
    o = options_for(fresh_dir("bad_options"), 10);
    o.ema_decay = decay;
    EXPECT_THROW(Trainer(task, o), OptionError) << decay;
  }
}

// QuadraticTask with a validation part whose loss falls at every evaluation
// while its "accuracy" (and "error", its complement) peak at iteration 8:
// the figures of evaluations at iterations 4, 8, 12, 16, 20.
class PeakingValidationTask : public QuadraticTask {
 public:
  static double accuracy_at(int64_t iteration) {
    switch (iteration) {
      case 4: return 0.1;
      case 8: return 0.5;
      case 12: return 0.3;
      case 16: return 0.4;
      default: return 0.2;
    }
  }
  bool validation_part = true;
  bool has(DataPart part) const override { return part == DataPart::Validation && validation_part; }
  TaskLoss evaluate(DataPart) override {
    TaskLoss loss(100.0 - static_cast<double>(calls), 1);
    loss.metrics = {{"accuracy", accuracy_at(calls)}, {"error", 1 - accuracy_at(calls)}};
    return loss;
  }
  std::vector<TaskMetric> validation_metrics() const override { return {{"accuracy", true}, {"error", false}}; }
};

int64_t iteration_of(const fs::path& checkpoint) {
  return load_checkpoint(checkpoint).training.at("iteration").get<int64_t>();
}

TEST(Trainer, MonitoredFigurePicksTheBestCheckpointInItsDirection) {
  for (const std::string monitor : {"accuracy", "error"}) {
    SCOPED_TRACE(monitor);
    PeakingValidationTask task;
    TrainerOptions o = options_for(fresh_dir("monitor_" + monitor), 20);
    o.monitor = monitor;
    const TrainingOutcome outcome = Trainer(task, o).run();
    EXPECT_EQ(iteration_of(o.run_dir / "best.safetensors"), 8);
    EXPECT_EQ(iteration_of(o.run_dir / "last.safetensors"), 20);
    EXPECT_DOUBLE_EQ(outcome.best_monitored, 0.5);  // accuracy 0.5, error 1 - 0.5
    EXPECT_DOUBLE_EQ(outcome.best_validation_loss, 80.0);  // the lowest loss, whatever is monitored
    const Checkpoint best = load_checkpoint(o.run_dir / "best.safetensors");
    EXPECT_EQ(best.training.at("trainer").at("monitor").get<std::string>(), monitor);
    EXPECT_DOUBLE_EQ(best.training.at("best_monitored").get<double>(), 0.5);
  }
  // The default, the loss, falls at every evaluation: the best is the last.
  PeakingValidationTask task;
  TrainerOptions o = options_for(fresh_dir("monitor_loss"), 20);
  Trainer(task, o).run();
  EXPECT_EQ(iteration_of(o.run_dir / "best.safetensors"), 20);
}

TEST(Trainer, PatienceCountsValidationsWithoutImprovementOfTheMonitoredFigure) {
  PeakingValidationTask task;
  TrainerOptions o = options_for(fresh_dir("monitor_patience"), 100);
  o.monitor = "accuracy";
  o.patience = 2;  // 12 and 16 do not beat 8
  const TrainingOutcome outcome = Trainer(task, o).run();
  EXPECT_EQ(outcome.iterations, 16);
  EXPECT_NE(outcome.stop_reason.find("patience"), std::string::npos) << outcome.stop_reason;
}

TEST(Trainer, ResumedRunKeepsTheBestMonitoredFigure) {
  PeakingValidationTask first;
  TrainerOptions o = options_for(fresh_dir("monitor_resume"), 8);
  o.monitor = "accuracy";
  Trainer(first, o).run();
  // Resumed to 20: 0.3, 0.4 and 0.2 never beat the 0.5 of iteration 8, which a
  // resume that forgot it (or compared losses) would overwrite.
  PeakingValidationTask second;
  o.max_iterations = 20;
  Trainer resumed(second, o);
  resumed.resume(load_checkpoint(o.run_dir / "last.safetensors"));
  const TrainingOutcome outcome = resumed.run();
  EXPECT_EQ(iteration_of(o.run_dir / "best.safetensors"), 8);
  EXPECT_DOUBLE_EQ(outcome.best_monitored, 0.5);
}

TEST(Trainer, RefusesAMonitorTheTaskDoesNotValidateWith) {
  PeakingValidationTask task;
  TrainerOptions o = options_for(fresh_dir("monitor_unknown"), 10);
  o.monitor = "bleu";
  try {
    Trainer trainer(task, o);
    FAIL() << "expected an OptionError";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.options, std::vector<std::string>{"monitor"});
    EXPECT_STREQ(e.what(), "'bleu' is not a validation figure of this task (it has loss, accuracy, error)");
  }
}

// As --patience: without validation data there is nothing to watch, so no best checkpoint (and a warning).
TEST(Trainer, MonitorWithoutValidationDataWritesNoBestCheckpoint) {
  PeakingValidationTask task;
  task.validation_part = false;
  TrainerOptions o = options_for(fresh_dir("monitor_no_validation"), 8);
  o.monitor = "accuracy";
  Trainer(task, o).run();
  EXPECT_TRUE(fs::exists(o.run_dir / "last.safetensors"));
  EXPECT_FALSE(fs::exists(o.run_dir / "best.safetensors"));
}

// QuadraticTask validated by its loss at the weights it is given, which it records.
class QuadraticWithValidation : public QuadraticTask {
 public:
  std::vector<float> validated_at;
  bool has(DataPart part) const override { return part == DataPart::Validation; }
  TaskLoss evaluate(DataPart) override {
    validated_at.push_back(w.value[0]);
    const double diff = w.value[0] - 3.0;
    return {diff * diff, 1};
  }
};

// SGD steps from w = 0 on (w - 3)^2 and their average with decay 0.5, the
// first step copying: w 0.6, 1.08, 1.464; average 0.6, 0.84, 1.152.
TEST(Trainer, AveragedWeightsAreWhatValidationMeasuresAndCheckpointsHold) {
  TrainerOptions o = options_for(fresh_dir("ema"), 3);
  o.optimizer = "sgd";
  o.schedule.base_lr = 0.1;
  o.clip_mode = ClipMode::None;
  o.eval_every = 2;
  QuadraticWithValidation plain;
  Trainer(plain, o).run();
  const fs::path plain_dir = o.run_dir;

  o.run_dir = fresh_dir("ema_averaged");
  o.ema_decay = 0.5;
  QuadraticWithValidation averaged;
  const TrainingOutcome outcome = Trainer(averaged, o).run();
  std::vector<double> w{0.0}, average;
  for (int step = 0; step < 3; ++step) {
    w.push_back(w.back() - 0.1 * 2 * (w.back() - 3));
    average.push_back(step == 0 ? w.back() : 0.5 * average.back() + 0.5 * w.back());
  }
  // Averaging never changes the training itself.
  EXPECT_EQ(averaged.w.value[0], plain.w.value[0]);
  EXPECT_FLOAT_EQ(averaged.w.value[0], float(w[3]));
  ASSERT_EQ(averaged.validated_at.size(), 2u);  // at iteration 2, and where the run stopped
  EXPECT_FLOAT_EQ(averaged.validated_at[0], float(average[1]));
  EXPECT_FLOAT_EQ(averaged.validated_at[1], float(average[2]));
  EXPECT_FLOAT_EQ(plain.validated_at[1], float(w[3]));
  EXPECT_NEAR(outcome.last_validation_loss, (average[2] - 3) * (average[2] - 3), 1e-5);

  const Checkpoint last = load_checkpoint(o.run_dir / "last.safetensors");
  EXPECT_FLOAT_EQ(last.tensor("w")[0], float(average[2]));
  EXPECT_FLOAT_EQ(last.tensor("trained.w")[0], float(w[3]));
  EXPECT_EQ(last.training.at("averaged_steps").get<int64_t>(), 3);
  EXPECT_DOUBLE_EQ(last.training.at("trainer").at("ema_decay").get<double>(), 0.5);
  EXPECT_FALSE(load_checkpoint(plain_dir / "last.safetensors").has("trained.w"));
  // The trained weights are training state, as the optimizer's buffers: not counted as the model's.
  EXPECT_TRUE(is_model_tensor("w"));
  EXPECT_FALSE(is_model_tensor("trained.w"));
  EXPECT_FALSE(is_model_tensor("optimizer.w.momentum_buffer"));
}

}  // namespace
}  // namespace recur
