// recur train: a character-level language model on any text (char-rnn).
// Parses flags, reads the corpus, and hands a CharLanguageModelTask to the
// shared Trainer; resumes a run exactly with --resume.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "recur/char_lm_task.h"
#include "recur/data_split.h"
#include "recur/gemm.h"
#include "recur/text_corpus.h"
#include "recur/trainer.h"
#include "subcommand.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct TrainFlags {
  std::vector<std::string> data;
  bool bytes = false;
  double val_frac = 0.1, test_frac = 0.0;
  std::string cell = "lstm", gru_reset = "after";
  int64_t layers = 2, hidden = 128, embedding = 0;
  double dropout = 0.0;
  int64_t batch = 50, seq = 50;
  bool full_bptt = false;
  std::string optimizer = "adam";
  double lr = 2e-3;
  OptimizerOptions optimizer_options;
  std::string schedule = "constant";
  int64_t warmup = 0, step_size = 1000, decay_iters = 0;
  double gamma = 0.1, min_lr = 0.0;
  std::string clip_mode = "norm";
  double clip = 5.0;
  int64_t max_iters = 0, eval_every = 500, patience = 0, log_every = 100;
  double epochs = 10;
  std::string max_time;
  std::string run = "runs/char-lm";
  std::string resume;
  uint64_t seed = 1;
  int threads = 0;
};

// "90", "90s", "45m", "2h" -> seconds.
double parse_duration(const std::string& text) {
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
    throw UsageError("--max-time '" + text + "' is not a duration (examples: 600, 90s, 45m, 2h)");
  return value * scale;
}

void add_flags(CLI::App& app, TrainFlags& f) {
  app.add_option("--data", f.data, "Text files or folders to train on (UTF-8)");
  app.add_flag("--bytes", f.bytes, "Vocabulary of bytes instead of Unicode code points");
  app.add_option("--val-frac", f.val_frac, "Fraction of the text (its end) held out for validation")->capture_default_str();
  app.add_option("--test-frac", f.test_frac, "Fraction held out for test, after validation")->capture_default_str();
  app.add_option("--cell", f.cell, "rnn_tanh | rnn_relu | lstm | gru")->capture_default_str();
  app.add_option("--gru-reset", f.gru_reset, "GRU reset: after (PyTorch) | before (Cho et al. 2014)")->capture_default_str();
  app.add_option("--layers", f.layers, "Recurrent layers")->capture_default_str();
  app.add_option("--hidden", f.hidden, "Hidden units per layer")->capture_default_str();
  app.add_option("--embedding", f.embedding, "Embedding size; 0 = one-hot input (char-rnn)")->capture_default_str();
  app.add_option("--dropout", f.dropout, "Dropout between layers and before the decoder")->capture_default_str();
  app.add_option("--batch", f.batch, "Parallel streams over the text")->capture_default_str();
  app.add_option("--seq", f.seq, "Steps of truncated BPTT")->capture_default_str();
  app.add_flag("--full-bptt", f.full_bptt, "Backpropagate through each whole stream (short documents)");
  app.add_option("--optimizer", f.optimizer, "sgd | adagrad | rmsprop | adam | adamw")->capture_default_str();
  app.add_option("--lr", f.lr, "Learning rate")->capture_default_str();
  app.add_option("--momentum", f.optimizer_options.momentum, "SGD / RMSprop momentum");
  app.add_option("--dampening", f.optimizer_options.dampening, "SGD momentum dampening");
  app.add_flag_callback("--nesterov", [&f] { f.optimizer_options.nesterov = true; }, "Nesterov momentum (SGD)");
  app.add_option("--weight-decay", f.optimizer_options.weight_decay, "Weight decay (decoupled for AdamW)");
  app.add_option("--beta1", f.optimizer_options.beta1, "Adam beta1");
  app.add_option("--beta2", f.optimizer_options.beta2, "Adam beta2");
  app.add_option("--eps", f.optimizer_options.eps, "Optimizer epsilon");
  app.add_option("--alpha", f.optimizer_options.alpha, "RMSprop smoothing constant");
  app.add_flag_callback("--centered", [&f] { f.optimizer_options.centered = true; },
                        "Centered RMSprop (divide by the estimated variance)");
  app.add_option("--lr-decay", f.optimizer_options.lr_decay, "Adagrad learning-rate decay");
  app.add_option("--initial-accumulator-value", f.optimizer_options.initial_accumulator_value,
                 "Adagrad starting sum of squared gradients");
  app.add_option("--schedule", f.schedule, "constant | step | cosine")->capture_default_str();
  app.add_option("--warmup", f.warmup, "Linear warm-up iterations")->capture_default_str();
  app.add_option("--step-size", f.step_size, "Step decay: iterations between decays")->capture_default_str();
  app.add_option("--gamma", f.gamma, "Step decay factor")->capture_default_str();
  app.add_option("--decay-iters", f.decay_iters, "Cosine: iteration where --min-lr is reached (default: the end)");
  app.add_option("--min-lr", f.min_lr, "Cosine: final learning rate")->capture_default_str();
  app.add_option("--clip-mode", f.clip_mode, "norm (global norm) | value (min-char-rnn) | none")->capture_default_str();
  app.add_option("--clip", f.clip, "Max gradient norm, or value limit")->capture_default_str();
  app.add_option("--max-iters", f.max_iters, "Stop after this many iterations (0: no limit)")->capture_default_str();
  app.add_option("--epochs", f.epochs, "Stop after this many epochs (0: no limit)")->capture_default_str();
  app.add_option("--max-time", f.max_time, "Stop after this long (600, 45m, 2h)");
  app.add_option("--eval-every", f.eval_every, "Iterations between validations and checkpoints")->capture_default_str();
  app.add_option("--patience", f.patience, "Stop after this many validations without improvement (0: never)")
      ->capture_default_str();
  app.add_option("--log-every", f.log_every, "Iterations between log lines when not on a terminal")->capture_default_str();
  app.add_option("--run", f.run, "Run folder: checkpoints and log.csv")->capture_default_str();
  app.add_option("--resume", f.resume, "Continue a run (its folder or a checkpoint file)");
  app.add_option("--seed", f.seed, "Random seed")->capture_default_str();
  app.add_option("--threads", f.threads, "Threads (0: all cores)")->capture_default_str();
}

// The library names an option as torch.optim does (lr_decay); the flag that
// sets it is that name with dashes (--lr-decay), and the flag is what the user
// typed. Checked before the text is read, so a typo costs nothing.
void check_optimizer_flags(const TrainFlags& f) {
  try {
    resolve_optimizer_options(f.optimizer, f.optimizer_options);
  } catch (const OptimizerOptionError& e) {
    std::string flag = "--" + e.option;
    std::replace(flag.begin(), flag.end(), '_', '-');
    throw UsageError(flag + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--optimizer: ") + e.what());
  }
}

TextCorpus read_text(const std::vector<std::string>& paths, TextUnit unit) {
  return TextCorpus::read(std::vector<fs::path>(paths.begin(), paths.end()), unit);
}

// Cuts the text into train / validation / test ids, and records where it came
// from and its fingerprint (the checkpoint's "data"), so that --resume can
// read it again and tell whether it is still the same text.
CharCorpusSplit split_corpus(const TextCorpus& corpus, const std::vector<std::string>& paths,
                             const Vocabulary& vocabulary, double val_frac, double test_frac) {
  const std::vector<int64_t> ids = vocabulary.encode(corpus.symbols());
  const SplitFractions fractions{val_frac, test_frac};
  fractions.validate();
  DataSplit<int64_t> split = split_by_fraction<int64_t>(ids, fractions);
  CharCorpusSplit data{std::move(split.train), std::move(split.validation), std::move(split.test), {}};
  nlohmann::json absolute_paths = nlohmann::json::array();
  for (const std::string& p : paths) absolute_paths.push_back(fs::absolute(p).string());
  data.source = {{"paths", absolute_paths},
                 {"unit", text_unit_name(corpus.unit())},
                 {"validation_fraction", val_frac},
                 {"test_fraction", test_frac},
                 {"fingerprint", corpus.fingerprint().to_json()}};
  return data;
}

// A resumed run must go on over the text it was trained on, or its position in
// the streams and its validation split would silently fall on other text.
// Checkpoints record the text's fingerprint (every byte counts); those written
// before it was recorded can only be checked by their set of characters.
void check_same_text(const TextCorpus& corpus, const Vocabulary& vocabulary, const nlohmann::json& source,
                     const std::vector<std::string>& paths, const fs::path& checkpoint_path) {
  const std::string text = fmt::format("{}", fmt::join(paths, ", "));
  if (source.contains("fingerprint")) {
    TextFingerprint saved;
    try {
      saved = TextFingerprint::from_json(source.at("fingerprint"));
    } catch (const std::invalid_argument& e) {
      throw FormatError(checkpoint_path.string() + ": recur.training \"data\": " + e.what());
    }
    if (!(corpus.fingerprint() == saved))
      throw UsageError(fmt::format("the training text {} differs from the text {} was trained on (now {}; then {}): "
                                   "restore that text to resume the run, or start a new run on this one",
                                   text, checkpoint_path.string(), corpus.fingerprint().describe(),
                                   saved.describe()));
  } else {
    std::cerr << fmt::format("recur: warning: {} records no fingerprint of its training text (written by an older "
                             "recur); only its set of characters is checked\n",
                             checkpoint_path.string());
  }
  if (!(Vocabulary::of_text(corpus.symbols(), corpus.unit()) == vocabulary))
    throw UsageError(fmt::format("the training text {} changed since {} was saved: its set of characters differs", text,
                                 checkpoint_path.string()));
}

TrainerOptions trainer_options(const TrainFlags& f, int64_t steps_per_epoch) {
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
  o.max_seconds = parse_duration(f.max_time);
  o.eval_every = f.eval_every;
  o.patience = f.patience;
  o.log_every = f.log_every;
  o.seed = f.seed;
  o.validate();
  return o;
}

fs::path resume_checkpoint_path(const std::string& target) {
  const fs::path path(target);
  if (fs::is_directory(path)) {
    if (fs::exists(path / "last.safetensors")) return path / "last.safetensors";
    throw UsageError("--resume: " + target + " holds no last.safetensors");
  }
  if (!fs::exists(path)) throw UsageError("--resume: " + target + " does not exist");
  return path;
}

int run_fresh(const TrainFlags& f) {
  if (f.data.empty()) throw UsageError("--data is required (a text file or folder), unless you --resume a run");
  if (fs::exists(fs::path(f.run) / "last.safetensors"))
    throw UsageError("--run " + f.run + " already holds a checkpoint; continue it with --resume " + f.run +
                     " or choose another --run");
  if (f.layers < 1) throw UsageError("--layers must be >= 1");
  if (f.hidden < 1) throw UsageError("--hidden must be >= 1");
  if (f.embedding < 0) throw UsageError("--embedding must be >= 0 (0 = one-hot)");
  if (!(f.dropout >= 0 && f.dropout < 1)) throw UsageError("--dropout must be in [0, 1)");
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  if (!f.full_bptt && f.seq < 1) throw UsageError("--seq must be >= 1");
  if (f.gru_reset != "after" && f.gru_reset != "before") throw UsageError("--gru-reset must be after or before");
  check_optimizer_flags(f);

  CharModel model;
  const TextCorpus corpus = read_text(f.data, f.bytes ? TextUnit::Byte : TextUnit::CodePoint);
  model.vocabulary = Vocabulary::of_text(corpus.symbols(), corpus.unit());
  CharCorpusSplit data = split_corpus(corpus, f.data, model.vocabulary, f.val_frac, f.test_frac);
  LanguageModelConfig config;
  try {
    config.cell = parse_cell(f.cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  config.gru_reset = f.gru_reset == "after" ? GruReset::AfterProduct : GruReset::BeforeProduct;
  config.vocab_size = model.vocabulary.size();
  config.embedding_size = f.embedding;
  config.hidden_size = f.hidden;
  config.num_layers = f.layers;
  config.dropout = f.dropout;
  Rng init_rng(f.seed);
  model.model = std::make_unique<LanguageModel>(config, init_rng);

  const int64_t seq = f.full_bptt ? 0 : f.seq;
  data.source["batch"] = f.batch;
  data.source["seq"] = seq;
  std::cerr << fmt::format("corpus: {} symbols, vocabulary {}; train {} / validation {} / test {}\n",
                           data.train.size() + data.validation.size() + data.test.size(), model.vocabulary.size(),
                           data.train.size(), data.validation.size(), data.test.size());
  CharLanguageModelTask task(model, std::move(data), f.batch, seq);
  Trainer trainer(task, trainer_options(f, task.steps_per_epoch()));
  int64_t parameter_count = 0;
  for (auto* p : task.parameters()) parameter_count += p->value.numel();
  std::cerr << fmt::format("model: {} x {} {} units, {} parameters; run folder {}\n", f.layers, cell_name(config.cell),
                           f.hidden, parameter_count, f.run);
  const TrainingOutcome outcome = trainer.run();
  return outcome.interrupted ? 130 : 0;
}

int continue_run(const TrainFlags& f, const CLI::App& app, const Checkpoint& checkpoint,
                 const fs::path& checkpoint_path);

// A resumed run continues exactly, so everything that shapes the updates comes
// from the checkpoint; only the limits (and threads) may be given again.
void refuse_settings_on_resume(const CLI::App& app) {
  static const std::set<std::string> kAllowed = {"--resume", "--max-iters", "--epochs", "--max-time", "--patience",
                                                 "--threads", "--help"};
  std::vector<std::string> refused;
  for (const CLI::Option* option : app.get_options())
    if (option->count() > 0 && !option->get_lnames().empty() && !kAllowed.count("--" + option->get_lnames()[0]))
      refused.push_back("--" + option->get_lnames()[0]);
  if (!refused.empty())
    throw UsageError(fmt::format("{} cannot change when resuming (the run keeps its settings so that it continues "
                                 "exactly); only --max-iters, --epochs, --max-time, --patience and --threads may be "
                                 "given with --resume",
                                 fmt::join(refused, ", ")));
}

int run_resumed(const TrainFlags& f, const CLI::App& app) {
  refuse_settings_on_resume(app);
  const fs::path checkpoint_path = resume_checkpoint_path(f.resume);
  const Checkpoint checkpoint = load_checkpoint(checkpoint_path);
  try {
    return continue_run(f, app, checkpoint, checkpoint_path);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(checkpoint_path.string() + ": its training position (recur.training) is incomplete: " + e.what());
  }
}

int continue_run(const TrainFlags& f, const CLI::App& app, const Checkpoint& checkpoint,
                 const fs::path& checkpoint_path) {
  CharModel model = CharModel::from_checkpoint(checkpoint);
  const nlohmann::json& source = checkpoint.training.at("data");
  const std::vector<std::string> paths = source.at("paths").get<std::vector<std::string>>();
  const TextCorpus corpus = read_text(paths, parse_text_unit(source.at("unit").get<std::string>()));
  check_same_text(corpus, model.vocabulary, source, paths, checkpoint_path);
  CharCorpusSplit data = split_corpus(corpus, paths, model.vocabulary, source.at("validation_fraction").get<double>(),
                                      source.at("test_fraction").get<double>());
  data.source["batch"] = source.at("batch");
  data.source["seq"] = source.at("seq");
  CharLanguageModelTask task(model, std::move(data), source.at("batch").get<int64_t>(),
                             source.at("seq").get<int64_t>());
  TrainerOptions options = TrainerOptions::from_json(checkpoint.training.at("trainer"));
  options.run_dir = checkpoint_path.parent_path().empty() ? fs::path(".") : checkpoint_path.parent_path();
  // Only the limits may change on resume; everything that shapes the updates stays.
  if (app.count("--max-iters")) options.max_iterations = f.max_iters;
  if (app.count("--epochs")) options.epochs = f.epochs;
  if (app.count("--max-time")) options.max_seconds = parse_duration(f.max_time);
  if (app.count("--patience")) options.patience = f.patience;
  Trainer trainer(task, options);
  trainer.resume(checkpoint);
  std::cerr << fmt::format("resuming {} at iteration {}\n", checkpoint_path.string(),
                           checkpoint.training.at("iteration").get<int64_t>());
  const TrainingOutcome outcome = trainer.run();
  return outcome.interrupted ? 130 : 0;
}

const bool registered = register_subcommand(
    "train", "Train a character-level language model on text files", [](CLI::App& app) -> SubcommandRun {
      auto flags = std::make_shared<TrainFlags>();
      add_flags(app, *flags);
      return [flags, &app] {
        if (flags->threads < 0) throw UsageError("--threads must be >= 0");
        set_num_threads(flags->threads);
        return flags->resume.empty() ? run_fresh(*flags) : run_resumed(*flags, app);
      };
    });

}  // namespace
}  // namespace recur::cli
