#include "recur/trainer.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>
#include <stdexcept>

#include "recur/clip.h"
#include "recur/option_error.h"
#include "train/gradient_averaging.h"
#include "train/training_log.h"
#include "train/weight_average.h"

namespace recur {

namespace {

// Ctrl-C only raises a flag; the loop finishes its step, saves, and stops.
std::atomic<bool> interrupt_requested{false};
extern "C" void on_interrupt(int) { interrupt_requested = true; }

struct InterruptGuard {
  using Handler = void (*)(int);
  Handler previous_int, previous_term;
  InterruptGuard() {
    interrupt_requested = false;
    previous_int = std::signal(SIGINT, on_interrupt);
    previous_term = std::signal(SIGTERM, on_interrupt);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
  }
};

std::string clip_mode_name(ClipMode mode) {
  switch (mode) {
    case ClipMode::None: return "none";
    case ClipMode::Norm: return "norm";
    case ClipMode::Value: return "value";
  }
  return "?";
}

ClipMode parse_clip_mode(const std::string& name) {
  if (name == "none") return ClipMode::None;
  if (name == "norm") return ClipMode::Norm;
  if (name == "value") return ClipMode::Value;
  throw std::invalid_argument("unknown clipping mode '" + name + "' (expected norm, value or none)");
}

// JSON keeps doubles; NaN ("never validated") is stored as null.
nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }
double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

constexpr double kSmoothing = 0.99;  // weight of the history in the smoothed loss

// The validation loss as a monitored figure: the default, lower is better.
const TaskMetric kLoss{"loss", /*higher_is_better=*/false};

bool better(double value, double best, const TaskMetric& figure) {
  if (std::isnan(best)) return !std::isnan(value);
  return figure.higher_is_better ? value > best : value < best;
}

}  // namespace

TaskMetric monitored_figure(const std::string& monitor, const std::vector<TaskMetric>& metrics) {
  if (monitor == kLoss.name) return kLoss;
  std::vector<std::string> names{kLoss.name};
  for (const TaskMetric& metric : metrics) {
    if (metric.name == monitor) return metric;
    names.push_back(metric.name);
  }
  throw OptionError("monitor", fmt::format("'{}' is not a validation figure of this task (it has {})", monitor,
                                           fmt::join(names, ", ")));
}

void TrainerOptions::validate() const {
  auto fail = [](const std::string& option, const std::string& what) { throw OptionError(option, option + " " + what); };
  if (run_dir.empty()) fail("run_dir", "must name a folder");
  if (!(clip >= 0)) fail("clip", fmt::format("must be >= 0, got {}", clip));
  if (max_iterations < 0) fail("max_iterations", fmt::format("must be >= 0, got {}", max_iterations));
  if (!(epochs >= 0)) fail("epochs", fmt::format("must be >= 0, got {}", epochs));
  if (!(max_seconds >= 0)) fail("max_seconds", fmt::format("must be >= 0, got {}", max_seconds));
  if (max_iterations == 0 && epochs == 0 && max_seconds == 0)
    throw OptionError(std::vector<std::string>{"epochs", "max_iterations", "max_seconds"},
                      "no limit: set epochs, max_iterations or max_seconds");
  if (eval_every < 1) fail("eval_every", fmt::format("must be >= 1, got {}", eval_every));
  if (patience < 0) fail("patience", fmt::format("must be >= 0, got {}", patience));
  if (log_every < 1) fail("log_every", fmt::format("must be >= 1, got {}", log_every));
  if (max_bad_steps < 1) fail("max_bad_steps", fmt::format("must be >= 1, got {}", max_bad_steps));
  if (monitor.empty()) fail("monitor", "must name a validation figure (loss by default)");
  if (!(ema_decay >= 0 && ema_decay < 1)) fail("ema_decay", fmt::format("must be in [0, 1), got {}", ema_decay));
  schedule.validate();
  resolve_optimizer_options(optimizer, optimizer_options);
}

nlohmann::json TrainerOptions::to_json() const {
  return {{"optimizer", optimizer},
          {"optimizer_options", optimizer_options.to_json()},
          {"schedule", schedule.to_json()},
          {"clip_mode", clip_mode_name(clip_mode)},
          {"clip", clip},
          {"max_iterations", max_iterations},
          {"epochs", epochs},
          {"max_seconds", max_seconds},
          {"eval_every", eval_every},
          {"patience", patience},
          {"monitor", monitor},
          {"ema_decay", ema_decay},
          {"log_every", log_every},
          {"max_bad_steps", max_bad_steps},
          {"seed", seed}};
}

TrainerOptions TrainerOptions::from_json(const nlohmann::json& j) {
  TrainerOptions o;
  o.optimizer = j.at("optimizer").get<std::string>();
  o.optimizer_options = OptimizerOptions::from_json(j.at("optimizer_options"));
  o.schedule = LrSchedule::from_json(j.at("schedule"));
  o.clip_mode = parse_clip_mode(j.at("clip_mode").get<std::string>());
  o.clip = j.at("clip").get<double>();
  o.max_iterations = j.at("max_iterations").get<int64_t>();
  o.epochs = j.at("epochs").get<double>();
  o.max_seconds = j.at("max_seconds").get<double>();
  o.eval_every = j.at("eval_every").get<int64_t>();
  o.patience = j.at("patience").get<int64_t>();
  o.monitor = j.value("monitor", kLoss.name);  // absent in checkpoints of older versions, which monitored it
  o.ema_decay = j.value("ema_decay", 0.0);      // absent likewise: they did not average
  o.log_every = j.at("log_every").get<int64_t>();
  o.max_bad_steps = j.at("max_bad_steps").get<int64_t>();
  o.seed = j.at("seed").get<uint64_t>();
  return o;
}

Trainer::Trainer(TrainingTask& task, TrainerOptions options, const Communicator& group)
    : task_(task),
      options_(std::move(options)),
      group_(group),
      rng_(options_.seed),
      best_validation_(std::numeric_limits<double>::quiet_NaN()),
      best_monitored_(std::numeric_limits<double>::quiet_NaN()),
      smoothed_loss_(std::numeric_limits<double>::quiet_NaN()) {
  options_.validate();
  monitored_ = monitored_figure(options_.monitor, task_.validation_metrics());
  optimizer_ = make_optimizer<float>(options_.optimizer, options_.optimizer_options, task_.parameters());
  task_.distribute(group_);
  averager_ = std::make_unique<GradientAverager>(group_, task_.parameters());
  if (options_.ema_decay > 0) weight_average_ = std::make_unique<WeightAverage>(options_.ema_decay, task_.parameters());
  give_rank_its_own_draws();
}

Trainer::~Trainer() = default;

void Trainer::give_rank_its_own_draws() {
  // Rank 0 keeps the run's stream (what a checkpoint saves), so one process trains exactly as before.
  if (group_.rank() > 0)
    rng_.seed_with(rng_.state()[0] ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(group_.rank())));
}

Trainer::Agreement Trainer::agree(bool root_decides, bool any_may) const {
  if (!group_.distributed()) return {root_decides, any_may};
  double votes[2] = {group_.is_root() && root_decides ? 1.0 : 0.0, any_may ? 1.0 : 0.0};
  group_.all_reduce_sum(std::span<double>(votes));
  return {votes[0] > 0, votes[1] > 0};
}

void Trainer::save_checkpoints(bool best) const {
  const Checkpoint checkpoint = make_checkpoint();
  if (!group_.is_root()) return;
  if (best) save_checkpoint(options_.run_dir / "best.safetensors", checkpoint);
  save_checkpoint(options_.run_dir / "last.safetensors", checkpoint);
}

void Trainer::resume(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  const nlohmann::json& t = checkpoint.training;
  try {
    load_parameters(checkpoint, task_.parameters());
    if (weight_average_) weight_average_->restore(checkpoint, t.at("averaged_steps").get<int64_t>());
    OptimizerState<float> state;
    state.scalars = t.at("optimizer");
    for (const auto& [name, tensor] : checkpoint.tensors)
      if (name.rfind("optimizer.", 0) == 0) state.tensors.emplace(name, tensor);
    optimizer_ = restore_optimizer<float>(state, task_.parameters());
    task_.restore_position(t.at("position"), checkpoint);
    Rng::State rng_state;
    const auto words = t.at("rng").get<std::vector<uint64_t>>();
    if (words.size() != rng_state.size()) throw std::invalid_argument("rng state must have 4 words");
    std::copy(words.begin(), words.end(), rng_state.begin());
    rng_.set_state(rng_state);
    give_rank_its_own_draws();
    iteration_ = t.at("iteration").get<int64_t>();
    tokens_seen_ = t.at("tokens").get<int64_t>();
    clipped_steps_ = t.value("clipped_steps", int64_t{0});  // absent in checkpoints of older versions
    elapsed_before_ = t.at("elapsed_seconds").get<double>();
    best_validation_ = number_or_nan(t.at("best_validation_loss"));
    // Checkpoints of older versions monitored the loss alone.
    best_monitored_ =
        number_or_nan(t.contains("best_monitored") ? t.at("best_monitored") : t.at("best_validation_loss"));
    smoothed_loss_ = number_or_nan(t.at("smoothed_loss"));
    evaluations_without_improvement_ = t.at("evaluations_without_improvement").get<int64_t>();
  } catch (const FormatError&) {
    throw;
  } catch (const std::exception& e) {
    throw FormatError(where + ": cannot resume from it: " + e.what());
  }
}

ProgressRecord Trainer::progress_record(double learning_rate, double loss, double grad_norm,
                                        double tokens_per_second) const {
  ProgressRecord record;
  record.iteration = iteration_;
  record.epoch = task_.epochs_done();
  record.tokens = tokens_seen_;
  record.learning_rate = learning_rate;
  record.loss = loss;
  record.smoothed_loss = smoothed_loss_;
  record.grad_norm = grad_norm;
  record.clipped_steps = clipped_steps_;
  record.tokens_per_second = tokens_per_second;
  record.elapsed_seconds = elapsed_seconds();
  return record;
}

TaskLoss Trainer::evaluate_validation() {
  if (!weight_average_) return task_.evaluate(DataPart::Validation);
  // The averaged weights are measured; the trained ones come back whatever happens.
  struct Exchange {
    WeightAverage& average;
    explicit Exchange(WeightAverage& a) : average(a) { average.swap(); }
    ~Exchange() { average.swap(); }
  } exchange(*weight_average_);
  return task_.evaluate(DataPart::Validation);
}

double Trainer::elapsed_seconds() const {
  if (!session_start_) return elapsed_before_;
  return elapsed_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - *session_start_).count();
}

Checkpoint Trainer::make_checkpoint() const {
  Checkpoint checkpoint;
  store_parameters(task_.parameters(), checkpoint);
  if (weight_average_) weight_average_->store(checkpoint);
  const OptimizerState<float> state = optimizer_->state();
  for (const auto& [name, tensor] : state.tensors) checkpoint.tensors[name] = tensor;
  checkpoint.model = task_.describe_model();
  const Rng::State& words = rng_.state();
  checkpoint.training = {{"iteration", iteration_},
                         {"tokens", tokens_seen_},
                         {"clipped_steps", clipped_steps_},
                         {"epoch", task_.epochs_done()},
                         {"elapsed_seconds", elapsed_seconds()},
                         {"rng", std::vector<uint64_t>(words.begin(), words.end())},
                         {"optimizer", state.scalars},
                         {"trainer", options_.to_json()},
                         {"best_validation_loss", number_or_null(best_validation_)},
                         {"best_monitored", number_or_null(best_monitored_)},
                         {"smoothed_loss", number_or_null(smoothed_loss_)},
                         {"evaluations_without_improvement", evaluations_without_improvement_},
                         {"data", task_.describe_data()}};
  if (weight_average_) checkpoint.training["averaged_steps"] = weight_average_->updates();
  checkpoint.training["position"] = task_.save_position(checkpoint);
  return checkpoint;
}

TrainingOutcome Trainer::run() {
  using Clock = std::chrono::steady_clock;
  // iteration_ > 0 here only after resume(): the log then continues from the checkpoint.
  TrainingLog log = group_.is_root() ? TrainingLog(options_.run_dir, iteration_ > 0 ? iteration_ : -1) : TrainingLog();
  session_start_ = Clock::now();
  InterruptGuard interrupts;
  TrainingOutcome outcome;
  outcome.best_validation_loss = best_validation_;
  outcome.best_monitored = best_monitored_;
  outcome.last_validation_loss = std::numeric_limits<double>::quiet_NaN();
  const ParameterList<float> parameters = task_.parameters();
  if (monitored_.name != kLoss.name && !task_.has(DataPart::Validation))
    log.message(fmt::format("warning: nothing for monitor {} to watch: the run has no validation data, so no "
                            "best.safetensors",
                            monitored_.name));
  auto window_start = *session_start_;
  int64_t window_tokens = 0;
  double last_rate = 0;  // tokens/s of the last line, for a final line with no window of its own
  int64_t consecutive_bad = 0;
  double grad_norm_value = 0;
  auto elapsed = [&] { return elapsed_seconds(); };

  auto limit_reached = [&]() -> std::string {
    if (options_.max_iterations > 0 && iteration_ >= options_.max_iterations)
      return fmt::format("reached max_iterations {}", options_.max_iterations);
    if (options_.epochs > 0 && task_.epochs_done() >= options_.epochs - 1e-9)
      return fmt::format("reached epochs {}", options_.epochs);
    if (options_.max_seconds > 0 && elapsed() >= options_.max_seconds)
      return fmt::format("reached max_seconds {}", format_duration(options_.max_seconds));
    return "";
  };
  auto eta = [&](double rate) -> double {
    double remaining = -1;
    auto consider = [&](double seconds) { remaining = remaining < 0 ? seconds : std::min(remaining, seconds); };
    if (rate > 0 && options_.max_iterations > 0)
      consider(double(options_.max_iterations - iteration_) * task_.tokens_per_step() / rate);
    if (rate > 0 && options_.epochs > 0)
      consider((options_.epochs - task_.epochs_done()) * task_.steps_per_epoch() * task_.tokens_per_step() / rate);
    if (options_.max_seconds > 0) consider(options_.max_seconds - elapsed());
    return remaining;
  };

  auto after_evaluation = [&] {
    if (!after_evaluation_ || !group_.is_root()) return;
    try {
      after_evaluation_();
    } catch (const std::exception& e) {
      log.message(std::string("warning: after the evaluation: ") + e.what());
    }
  };

  // Rank 0 evaluates and writes; every rank takes part in making the
  // checkpoint (a task may gather state held per shard).
  auto validate_and_save = [&](ProgressRecord& record) {
    bool improved = false;
    if (group_.is_root() && task_.has(DataPart::Validation)) {
      const TaskLoss evaluation = evaluate_validation();
      const double loss = evaluation.mean();
      record.validation_loss = loss;
      outcome.last_validation_loss = loss;
      if (better(loss, best_validation_, kLoss)) best_validation_ = loss;
      const bool metric = monitored_.name != kLoss.name;
      const auto found = evaluation.metrics.find(monitored_.name);
      if (metric && found == evaluation.metrics.end())
        throw std::logic_error("the task's evaluation did not give " + monitored_.name);
      const double value = metric ? found->second : loss;
      improved = better(value, best_monitored_, monitored_);
      if (improved) {
        best_monitored_ = value;
        evaluations_without_improvement_ = 0;
      } else {
        ++evaluations_without_improvement_;
      }
      if (metric) {
        record.monitored_name = monitored_.name;
        record.monitored = value;
        record.monitored_best = improved;
      }
    }
    save_checkpoints(improved);
  };

  while (true) {
    // Decided together: rank 0's clock and limits, any rank's Ctrl-C.
    const std::string reason = limit_reached();
    if (const Agreement stop = agree(!reason.empty(), interrupt_requested); stop.any) {
      outcome.interrupted = true;
      outcome.stop_reason = "interrupted";
      break;
    } else if (stop.root) {
      outcome.stop_reason = reason.empty() ? "rank 0 reached a limit" : reason;
      break;
    }
    const double learning_rate = options_.schedule.learning_rate(iteration_);
    zero_grad(parameters);
    const TaskLoss loss = averager_->average(task_.train_step(rng_));
    const double mean_loss = loss.mean();
    // One pass over the gradients: their norm is finite when they all are
    // (all_finite decides only for doubles whose squares overflowed).
    const double norm = grad_norm(parameters);
    if (!std::isfinite(mean_loss) || (!std::isfinite(norm) && !all_finite(parameters))) {
      // The weights never see this step; the carried state may be poisoned.
      task_.reset_carried_state();
      ++outcome.skipped_steps;
      ++iteration_;
      log.message(fmt::format("iteration {}: non-finite {} - step skipped, hidden state reset", iteration_,
                              std::isfinite(mean_loss) ? "gradient" : "loss"));
      if (++consecutive_bad >= options_.max_bad_steps) {
        // The skipped steps never reached the weights or the optimizer, so what
        // is saved is the state after the last good step (with the data
        // position past the bad batches).
        save_checkpoints(false);  // every rank: the carried state is gathered collectively
        throw std::runtime_error(fmt::format(
            "stopping: {} consecutive non-finite steps at iteration {}; the last good state (after iteration {}) "
            "is saved in {}; lower the learning rate or clip harder",
            consecutive_bad, iteration_, iteration_ - consecutive_bad,
            (options_.run_dir / "last.safetensors").string()));
      }
      continue;
    }
    consecutive_bad = 0;
    const bool norm_clipping = options_.clip_mode == ClipMode::Norm && options_.clip > 0;
    grad_norm_value = norm;
    if (norm_clipping) clip_grad_norm(parameters, options_.clip, norm);
    bool clipped = norm_clipping && grad_norm_value > options_.clip;
    if (options_.clip_mode == ClipMode::Value && options_.clip > 0)
      clipped = clip_grad_value(parameters, options_.clip) > 0;
    clipped_steps_ += clipped ? 1 : 0;
    optimizer_->step(learning_rate);
    if (weight_average_) weight_average_->update();
    ++iteration_;
    tokens_seen_ += loss.count;
    window_tokens += loss.count;
    smoothed_loss_ = std::isnan(smoothed_loss_) ? mean_loss : kSmoothing * smoothed_loss_ + (1 - kSmoothing) * mean_loss;

    const bool evaluate_now = iteration_ % options_.eval_every == 0;
    const bool plain_line_now = iteration_ % options_.log_every == 0;
    if (evaluate_now || plain_line_now || log.live()) {
      const double window_seconds = std::chrono::duration<double>(Clock::now() - window_start).count();
      const double rate = window_seconds > 0 ? window_tokens / window_seconds : 0;
      last_rate = rate;
      ProgressRecord record = progress_record(learning_rate, mean_loss, grad_norm_value, rate);
      record.eta_seconds = eta(rate);
      if (evaluate_now) validate_and_save(record);
      if (evaluate_now || plain_line_now) {
        log.progress(record, !log.live() || evaluate_now);
        if (evaluate_now) after_evaluation();
        window_start = Clock::now();
        window_tokens = 0;
      } else {
        log.live_update(record);
      }
      if (evaluate_now &&
          agree(options_.patience > 0 && evaluations_without_improvement_ >= options_.patience, false).root) {
        outcome.stop_reason = fmt::format("no improvement in {} validations (patience)", options_.patience);
        break;
      }
    }
  }

  // Validate and save where the run stands (an interrupted run only saves: the user is waiting).
  // Its speed is that of the steps since the last line, timed before validating.
  const double final_window = std::chrono::duration<double>(Clock::now() - window_start).count();
  const double final_rate = window_tokens > 0 && final_window > 0 ? window_tokens / final_window : last_rate;
  ProgressRecord final_record =
      progress_record(options_.schedule.learning_rate(iteration_), smoothed_loss_, grad_norm_value, final_rate);
  final_record.eta_seconds = 0;
  if (!outcome.interrupted && iteration_ % options_.eval_every != 0) validate_and_save(final_record);
  else save_checkpoints(false);
  if (final_record.validation_loss >= 0) log.progress(final_record, true);
  after_evaluation();
  outcome.iterations = iteration_;
  outcome.best_validation_loss = best_validation_;
  outcome.best_monitored = best_monitored_;
  log.message(fmt::format("stopped: {} after {} iterations; checkpoints in {}", outcome.stop_reason, iteration_,
                          options_.run_dir.string()));
  elapsed_before_ = elapsed();
  session_start_.reset();
  return outcome;
}

}  // namespace recur
