// Trainer: the training loop every task shares — optimizer, learning-rate
// schedule, clipping, the guard against non-finite steps, periodic validation,
// best and last checkpoints, limits, early stopping, progress and CSV log,
// Ctrl-C, and exact resume.
//
// Run folder:  last.safetensors  best.safetensors  log.csv
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "recur/communicator.h"
#include "recur/lr_schedule.h"
#include "recur/optimizer.h"
#include "recur/training_task.h"

namespace recur {

enum class ClipMode { None, Norm, Value };

struct TrainerOptions {
  std::filesystem::path run_dir = "runs/default";
  std::string optimizer = "adam";
  OptimizerOptions optimizer_options;
  LrSchedule schedule;
  ClipMode clip_mode = ClipMode::Norm;
  double clip = 5.0;            // max global norm, or the value limit
  int64_t max_iterations = 0;   // 0: no limit
  double epochs = 10;           // 0: no limit
  double max_seconds = 0;       // 0: no limit
  int64_t eval_every = 500;     // iterations between validations (and checkpoints)
  int64_t patience = 0;         // validations without improvement before stopping; 0: never
  // What "improvement" means for best.safetensors and patience: "loss" (the
  // validation loss, lower is better) or one of the task's validation_metrics()
  // ("exact_match", "accuracy", ...), as Keras's `monitor`.
  std::string monitor = "loss";
  // Polyak averaging: 0 (off), or the decay of an exponential moving average
  // of the weights (0.999 averages over about the last 1,000 steps), which is
  // then what validation measures and checkpoints hold (train/weight_average.h).
  double ema_decay = 0;
  int64_t log_every = 100;      // iterations between plain log lines when not on a terminal
  int64_t max_bad_steps = 5;    // consecutive non-finite steps that stop the run
  uint64_t seed = 1;

  void validate() const;  // throws std::invalid_argument naming the flag
  nlohmann::json to_json() const;
  static TrainerOptions from_json(const nlohmann::json& json);
};

struct TrainingOutcome {
  int64_t iterations = 0;
  double best_validation_loss = 0;  // the lowest validation loss; NaN when never validated
  double best_monitored = 0;        // the monitored figure of best.safetensors (the loss by default); NaN likewise
  double last_validation_loss = 0;
  std::string stop_reason;
  bool interrupted = false;
  int64_t skipped_steps = 0;
};

// The figure `monitor` names among the loss and a task's validation_metrics(),
// with its direction; an OptionError ("monitor") naming the ones there are otherwise.
TaskMetric monitored_figure(const std::string& monitor, const std::vector<TaskMetric>& metrics);

class GradientAverager;
class WeightAverage;
struct ProgressRecord;

class Trainer {
 public:
  // With a `group` of several processes (data-parallel, communicator.h), every
  // process runs a Trainer over its replica: each trains on its shard of the
  // global batch, gradients are averaged (so clipping sees the global norm and
  // all replicas take the same step), dropout draws differ per rank, and rank 0
  // alone evaluates, logs, writes checkpoints and calls the hook. Stopping is
  // decided together, so no rank waits for one that left.
  Trainer(TrainingTask& task, TrainerOptions options, const Communicator& group = single_process());
  ~Trainer();

  // Continues a run: weights, optimizer state, schedule position, data
  // position, carried state, RNG and counters all come from the checkpoint.
  void resume(const Checkpoint& checkpoint);
  TrainingOutcome run();

  const TrainerOptions& options() const { return options_; }

  // Called after each evaluation, once the checkpoints are saved and the
  // evaluation's row of log.csv is written, and once more when the run stops
  // (e.g. to rewrite RUN/report.html). It does not change the updates. An
  // exception it throws is reported as a warning; training goes on.
  void set_after_evaluation(std::function<void()> hook) { after_evaluation_ = std::move(hook); }

 private:
  Checkpoint make_checkpoint() const;
  double elapsed_seconds() const;  // over all sessions of the run
  // The task's validation, of the averaged weights when there are (--ema).
  TaskLoss evaluate_validation();
  // A row of the log where the run stands (no validation, no ETA yet).
  ProgressRecord progress_record(double learning_rate, double loss, double grad_norm, double tokens_per_second) const;
  // last.safetensors (and best.safetensors) from rank 0; every rank takes part.
  void save_checkpoints(bool best) const;
  // What all ranks then act on: rank 0's decision, and whether any rank said yes.
  struct Agreement {
    bool root = false;
    bool any = false;
  };
  Agreement agree(bool root_decides, bool any_may) const;
  // Ranks other than 0 draw dropout masks from a stream of their own, derived from rank 0's.
  void give_rank_its_own_draws();

  TrainingTask& task_;
  TrainerOptions options_;
  const Communicator& group_;
  std::unique_ptr<GradientAverager> averager_;
  std::unique_ptr<Optimizer<float>> optimizer_;
  std::unique_ptr<WeightAverage> weight_average_;  // with options_.ema_decay > 0
  Rng rng_;
  int64_t iteration_ = 0;
  int64_t tokens_seen_ = 0;
  int64_t clipped_steps_ = 0;  // steps whose gradients clipping changed
  double elapsed_before_ = 0;  // seconds spent in earlier sessions of the run
  std::optional<std::chrono::steady_clock::time_point> session_start_;  // set while run() runs
  double best_validation_;  // the lowest validation loss
  TaskMetric monitored_;     // options_.monitor, with its direction
  double best_monitored_;    // its value in best.safetensors
  double smoothed_loss_;
  int64_t evaluations_without_improvement_ = 0;
  std::function<void()> after_evaluation_;
};

}  // namespace recur
