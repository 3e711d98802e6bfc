// The training command, once for every task: the flags every `train` shares
// (optimizer and its options, schedule, clipping, limits, validation, run
// folder, --resume, seed, threads), their conversion to TrainerOptions, the
// rule for what may change on --resume, and the fresh and resumed runs.
//
// A task command adds its own flags (model, data) to the same CLI11 app and
// hands run_training_command a TaskFactory; see docs/architecture.md, "Adding
// a task". A resumed run takes everything that shapes the updates from its
// checkpoint: only the flags in the group kResumableGroup may be given again.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "recur/optimizer_options.h"
#include "recur/recurrent_init.h"
#include "recur/trainer.h"
#include "subcommand.h"

namespace recur::cli {

// The help group of the flags that --resume accepts (limits, threads and
// --report, none of which changes the updates):
// declaring a flag in it is what lets it change on resume.
inline constexpr const char* kResumableGroup = "Limits (may be given again with --resume)";

struct TrainingFlags {
  std::string optimizer = "adam";
  double lr = 2e-3;
  OptimizerOptions optimizer_options;
  std::string schedule = "constant";
  int64_t warmup = 0, step_size = 1000, decay_iters = 0;
  double gamma = 0.1, min_lr = 0.0;
  std::string clip_mode = "norm";
  double clip = 5.0;
  int64_t max_iters = 0, eval_every = 500, patience = 0, log_every = 100;
  std::string monitor = "loss";  // what picks best.safetensors and what --patience watches
  double ema = 0;  // the decay of the weights' moving average; 0: no averaging
  double epochs = 10;
  std::string max_time;
  std::string run;
  std::string resume;
  uint64_t seed = 1;
  int threads = 0;
  bool report = false;  // write RUN/report.html after each evaluation
  // How the recurrent stack starts (recurrent_init.h); the task puts it in its model's configuration.
  std::string init = "uniform";
  double forget_bias = 0.0;
};

// Adds the shared flags to `app`; `flags` keeps the defaults it holds (a task
// may set other defaults before calling, e.g. its own run folder).
void add_training_flags(CLI::App& app, TrainingFlags& flags);

// --init and --forget-bias as the library takes them (UsageError naming the flag).
RecurrentInit recurrent_init(const TrainingFlags& flags);

// Builds a task: fresh from the command's flags, or as a checkpoint records it.
struct TaskFactory {
  std::string task;         // the task name its checkpoints carry ("char_lm")
  std::string description;  // what its model is, for errors ("a character language model")
  std::function<std::unique_ptr<TrainingTask>()> from_flags;
  std::function<std::unique_ptr<TrainingTask>(const Checkpoint&)> from_checkpoint;
  // What its tasks validate with besides the loss (TrainingTask::validation_metrics),
  // so that --monitor is checked before the data is read.
  std::vector<TaskMetric> validation_metrics = {};
};

// A fresh run (flags.resume empty) or a resumed one, to its end; returns the
// exit status (130 when interrupted). `app` is the subcommand, whose options
// tell which flags were given.
int run_training_command(const TrainingFlags& flags, const CLI::App& app, const TaskFactory& factory);

// "90", "90s", "45m", "2h" -> seconds; `flag` names it in the error.
double parse_duration(const std::string& text, const std::string& flag);

}  // namespace recur::cli
