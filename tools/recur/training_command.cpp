#include "training_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <thread>

#include "recur/communicator.h"
#include "recur/denormals.h"
#include "recur/run_folder.h"
#include "recur/run_lock.h"
#include "recur/run_report.h"
#include "threads_flag.h"

namespace recur::cli {

namespace fs = std::filesystem;

double parse_duration(const std::string& text, const std::string& flag) {
  if (text.empty()) return 0;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const double scale = unit == "" || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
  if (used == 0 || scale < 0 || !(value >= 0))
    throw UsageError(flag + " '" + text + "' is not a duration (examples: 600, 90s, 45m, 2h)");
  return value * scale;
}

RecurrentInit recurrent_init(const TrainingFlags& f) {
  RecurrentInit init;
  try {
    init.recurrent = parse_recurrent_init(f.init);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--init: ") + e.what());
  }
  if (!std::isfinite(f.forget_bias)) throw UsageError("--forget-bias must be a finite number");
  init.forget_bias = f.forget_bias;
  return init;
}

void add_training_flags(CLI::App& app, TrainingFlags& f) {
  // The library's names for the options whose flags say it otherwise.
  for (const auto& [option, flag] : {std::pair{"run_dir", "--run"}, {"base_lr", "--lr"},
                                     {"max_iterations", "--max-iters"}, {"max_seconds", "--max-time"},
                                     {"warmup_iterations", "--warmup"}, {"decay_iterations", "--decay-iters"},
                                     {"hidden_size", "--hidden"}, {"num_layers", "--layers"},
                                     {"ema_decay", "--ema"}})
    name_flag(option, flag);

  const char* initialisation = "Initialisation";
  app.add_option("--init", f.init,
                 "Recurrent matrices W_hh: uniform (PyTorch) | orthogonal (per gate block) | identity (IRNN, with "
                 "zero biases; for --cell rnn_relu)")
      ->capture_default_str()->group(initialisation);
  app.add_option("--forget-bias", f.forget_bias, "LSTM: added to the forget-gate bias (1 as in Jozefowicz et al. 2015)")
      ->capture_default_str()->group(initialisation);

  const char* optimization = "Optimization";
  app.add_option("--optimizer", f.optimizer, "sgd | adagrad | rmsprop | adam | adamw")
      ->capture_default_str()->group(optimization);
  app.add_option("--lr", f.lr, "Learning rate")->capture_default_str()->group(optimization);
  OptimizerOptions& o = f.optimizer_options;
  app.add_option("--momentum", o.momentum, "SGD / RMSprop momentum")->group(optimization);
  app.add_option("--dampening", o.dampening, "SGD momentum dampening")->group(optimization);
  app.add_flag_callback("--nesterov", [&o] { o.nesterov = true; }, "Nesterov momentum (SGD)")->group(optimization);
  app.add_option("--weight-decay", o.weight_decay, "Weight decay (decoupled for AdamW)")->group(optimization);
  app.add_option("--beta1", o.beta1, "Adam beta1")->group(optimization);
  app.add_option("--beta2", o.beta2, "Adam beta2")->group(optimization);
  app.add_option("--eps", o.eps, "Optimizer epsilon")->group(optimization);
  app.add_option("--alpha", o.alpha, "RMSprop smoothing constant")->group(optimization);
  app.add_flag_callback("--centered", [&o] { o.centered = true; },
                        "Centered RMSprop (divide by the estimated variance)")->group(optimization);
  app.add_option("--lr-decay", o.lr_decay, "Adagrad learning-rate decay")->group(optimization);
  app.add_option("--initial-accumulator-value", o.initial_accumulator_value,
                 "Adagrad starting sum of squared gradients")->group(optimization);
  app.add_option("--schedule", f.schedule, "constant | step | cosine")->capture_default_str()->group(optimization);
  app.add_option("--warmup", f.warmup, "Linear warm-up iterations")->capture_default_str()->group(optimization);
  app.add_option("--step-size", f.step_size, "Step decay: iterations between decays")
      ->capture_default_str()->group(optimization);
  app.add_option("--gamma", f.gamma, "Step decay factor")->capture_default_str()->group(optimization);
  app.add_option("--decay-iters", f.decay_iters, "Cosine: iteration where --min-lr is reached (default: the end)")
      ->group(optimization);
  app.add_option("--min-lr", f.min_lr, "Cosine: final learning rate")->capture_default_str()->group(optimization);
  app.add_option("--clip-mode", f.clip_mode, "norm (global norm) | value (min-char-rnn) | none")
      ->capture_default_str()->group(optimization);
  app.add_option("--clip", f.clip, "Max gradient norm, or value limit")->capture_default_str()->group(optimization);
  app.add_option("--ema", f.ema,
                 "Average the weights: the decay of their exponential moving average (0.999 averages over about "
                 "the last 1,000 steps; 0: off), which validation measures and checkpoints hold")
      ->capture_default_str()->group(optimization);
  app.add_option("--seed", f.seed, "Random seed")->capture_default_str()->group(optimization);

  const char* run = "Run";
  app.add_option("--eval-every", f.eval_every, "Iterations between validations and checkpoints")
      ->capture_default_str()->group(run);
  app.add_option("--monitor", f.monitor,
                 "The validation figure that picks best.safetensors and that --patience watches: loss, or one the "
                 "task validates with (seq2seq, caption: exact_match | token_error_rate | token_accuracy | bleu; "
                 "classify, tag: accuracy | macro_f1; forecast: rmse | mae | smape; memory echo, copy: accuracy)")
      ->capture_default_str()->group(run);
  app.add_option("--log-every", f.log_every, "Iterations between log lines when not on a terminal")
      ->capture_default_str()->group(run);
  app.add_option("--run", f.run, "Run folder: checkpoints and log.csv")->capture_default_str()->group(run);
  app.add_option("--resume", f.resume, "Continue a run (its folder or a checkpoint file)")->group(kResumableGroup);

  app.add_option("--max-iters", f.max_iters, "Stop after this many iterations (0: no limit)")
      ->capture_default_str()->group(kResumableGroup);
  app.add_option("--epochs", f.epochs, "Stop after this many epochs (0: no limit)")
      ->capture_default_str()->group(kResumableGroup);
  app.add_option("--max-time", f.max_time, "Stop after this long (600, 45m, 2h)")->group(kResumableGroup);
  app.add_option("--patience", f.patience, "Stop after this many validations without improvement (0: never)")
      ->capture_default_str()->group(kResumableGroup);
  add_threads_flag(app, f.threads)->group(kResumableGroup);
  app.add_flag("--report", f.report,
               "Write RUN/report.html (learning curves, settings, samples) at each evaluation; reload it to watch "
               "the run")
      ->group(kResumableGroup);
}

namespace {

// --threads 0 ("all cores") under mpirun: the ranks on one machine share its
// cores instead of each starting a thread per core.
int threads_per_rank(int threads, const Communicator& group) {
  if (threads != 0 || group.ranks_on_this_node() <= 1) return threads;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores / group.ranks_on_this_node());
}

TrainerOptions trainer_options(const TrainingFlags& f, int64_t steps_per_epoch) {
  TrainerOptions o;
  o.run_dir = f.run;
  o.optimizer = f.optimizer;
  o.optimizer_options = f.optimizer_options;
  o.schedule.kind = parse_lr_schedule(f.schedule);
  o.schedule.base_lr = f.lr;
  o.schedule.warmup_iterations = f.warmup;
  o.schedule.step_size = f.step_size;
  o.schedule.gamma = f.gamma;
  o.schedule.min_lr = f.min_lr;
  int64_t total = f.max_iters;
  if (f.epochs > 0) {
    const auto by_epochs = static_cast<int64_t>(std::ceil(f.epochs * steps_per_epoch));
    total = total > 0 ? std::min(total, by_epochs) : by_epochs;
  }
  if (o.schedule.kind == LrScheduleKind::Cosine && f.decay_iters <= 0 && total <= 0)
    throw UsageError("--schedule cosine needs to know where training ends: give --epochs, --max-iters or --decay-iters");
  o.schedule.decay_iterations = f.decay_iters > 0 ? f.decay_iters : std::max<int64_t>(total, f.warmup + 1);
  o.clip_mode = f.clip_mode == "norm" ? ClipMode::Norm : f.clip_mode == "value" ? ClipMode::Value
              : f.clip_mode == "none" ? ClipMode::None
              : throw UsageError("--clip-mode must be norm, value or none, got '" + f.clip_mode + "'");
  o.clip = f.clip;
  o.max_iterations = f.max_iters;
  o.epochs = f.epochs;
  o.max_seconds = parse_duration(f.max_time, "--max-time");
  o.eval_every = f.eval_every;
  o.patience = f.patience;
  o.monitor = f.monitor;
  o.ema_decay = f.ema;
  o.log_every = f.log_every;
  o.seed = f.seed;
  o.validate();
  return o;
}

// A resumed run continues exactly, so everything that shapes the updates comes
// from the checkpoint; only the flags declared in kResumableGroup may be given.
void refuse_settings_on_resume(const CLI::App& app) {
  std::vector<std::string> refused, allowed;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty() || option->get_lnames()[0] == "help") continue;
    const std::string flag = "--" + option->get_lnames()[0];
    const bool resumable = option->get_group() == kResumableGroup;
    if (resumable && flag != "--resume") allowed.push_back(flag);
    if (option->count() > 0 && !resumable) refused.push_back(flag);
  }
  std::sort(refused.begin(), refused.end());
  if (!refused.empty())
    throw UsageError(fmt::format("{} cannot change when resuming (the run keeps its settings so that it continues "
                                 "exactly); only {} may be given with --resume",
                                 fmt::join(refused, ", "), fmt::join(allowed, ", ")));
}

int64_t parameter_count(TrainingTask& task) {
  int64_t count = 0;
  for (const Parameter<float>* p : task.parameters()) count += p->value.numel();
  return count;
}

// --report: the page is rewritten after each evaluation; a failure to write
// it is a warning (the Trainer's), never the end of a long run.
void attach_report(Trainer& trainer, const TrainingFlags& f) {
  if (!f.report) return;
  const fs::path run_dir = trainer.options().run_dir;
  trainer.set_after_evaluation([run_dir] { write_run_report(run_dir, run_dir / "report.html"); });
}

// Under mpirun every rank runs this (docs/scaling.md): each reads the data
// and builds its replica; rank 0 alone checks and writes the run folder and
// prints, and a rank that fails stops the whole job (mark_process_failed).
int run_fresh(const TrainingFlags& f, const TaskFactory& factory, const Communicator& group) {
  if (group.is_root()) refuse_existing_run(f.run);
  // Checked before the task reads its data, so that a typo costs nothing (the
  // epoch's length only places the end of a schedule, not whether it is valid).
  trainer_options(f, /*steps_per_epoch=*/1);
  monitored_figure(f.monitor, factory.validation_metrics);
  std::unique_ptr<TrainingTask> task = factory.from_flags();
  // Locked once the data has been read, so that a bad input leaves no folder
  // behind; checked again under the lock, in case another run began meanwhile.
  // Rank 0 alone writes the folder, so it alone holds the lock.
  std::optional<RunLock> lock;
  if (group.is_root()) {
    lock.emplace(f.run);
    refuse_existing_run(f.run);
  }
  Trainer trainer(*task, trainer_options(f, task->steps_per_epoch()), group);
  attach_report(trainer, f);
  if (group.is_root())
    std::cerr << fmt::format("{} parameters; run folder {}{}{}\n", parameter_count(*task), f.run,
                             f.report ? fmt::format("; report {}", (fs::path(f.run) / "report.html").string()) : "",
                             group.distributed() ? fmt::format("; {} processes", group.size()) : "");
  const TrainingOutcome outcome = trainer.run();
  return outcome.interrupted ? 130 : 0;
}

int run_resumed(const TrainingFlags& f, const CLI::App& app, const TaskFactory& factory, const Communicator& group) {
  refuse_settings_on_resume(app);
  const fs::path checkpoint_path = find_checkpoint(f.resume, CheckpointPick::Last);
  const fs::path run_dir = checkpoint_path.parent_path().empty() ? fs::path(".") : checkpoint_path.parent_path();
  // Read and checked before the folder is locked, so that a wrong file leaves
  // no lock file behind (a run writing the folder meanwhile only ever renames
  // whole files into place, and is refused by the lock just below).
  const Checkpoint checkpoint = load_checkpoint(checkpoint_path);
  require_task(checkpoint, factory.task, factory.description);
  std::optional<RunLock> lock;  // rank 0 alone writes the folder
  if (group.is_root()) lock.emplace(run_dir);
  try {
    std::unique_ptr<TrainingTask> task = factory.from_checkpoint(checkpoint);
    TrainerOptions options = TrainerOptions::from_json(checkpoint.training.at("trainer"));
    options.run_dir = run_dir;
    if (app.count("--max-iters")) options.max_iterations = f.max_iters;
    if (app.count("--epochs")) options.epochs = f.epochs;
    if (app.count("--max-time")) options.max_seconds = parse_duration(f.max_time, "--max-time");
    if (app.count("--patience")) options.patience = f.patience;
    std::optional<Trainer> trainer;
    try {
      trainer.emplace(*task, options, group);
    } catch (const OptionError& e) {
      // A flag given now is checked as a flag; anything else came from the file.
      const bool given_now = std::any_of(e.options.begin(), e.options.end(), [&](const std::string& option) {
        return app.count(flag_for_option(option)) > 0;
      });
      if (given_now) throw;
      throw FormatError(checkpoint_path.string() + ": its training settings (recur.training trainer) are not valid: " +
                        e.what());
    }
    trainer->resume(checkpoint);
    attach_report(*trainer, f);
    if (group.is_root())
      std::cerr << fmt::format("resuming {} at iteration {}{}\n", checkpoint_path.string(),
                               checkpoint.training.at("iteration").get<int64_t>(),
                               group.distributed() ? fmt::format(" on {} processes", group.size()) : "");
    const TrainingOutcome outcome = trainer->run();
    return outcome.interrupted ? 130 : 0;
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(checkpoint_path.string() + ": its training position (recur.training) is incomplete: " + e.what());
  }
}

}  // namespace

int run_training_command(const TrainingFlags& flags, const CLI::App& app, const TaskFactory& factory) {
  try {
    const Communicator& group = process_group();
    apply_threads(threads_per_rank(flags.threads, group));
    flush_denormals_to_zero();  // vanishing gradients would otherwise slow training ~10x (denormals.h)
    return flags.resume.empty() ? run_fresh(flags, factory, group) : run_resumed(flags, app, factory, group);
  } catch (...) {
    mark_process_failed();  // main prints the message; the exit then stops every rank
    throw;
  }
}

}  // namespace recur::cli
