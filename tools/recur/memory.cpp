// recur memory train|eval: the synthetic memory tasks (echo, copy, adding;
// include/recur/memory_tasks.h), generated on the fly from the seed.
//
//   train  --task echo|copy|adding --length N [--recall K] with the cell,
//          size and the shared training flags (run folder, --resume, ...).
//   eval   accuracy (echo, copy) or mse and baseline_mse (adding) on fresh
//          test sequences, which come from a stream training never draws.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "model_loading.h"
#include "recur/memory_task.h"
#include "recur/run_folder.h"
#include "threads_flag.h"
#include "training_command.h"

namespace recur::cli {
namespace {

struct MemoryTrainFlags {
  std::string task;
  int64_t length = 0, recall = 0, symbols = 8, items = 10;
  int64_t batch = 32, validation_examples = 512;
  std::string cell = "lstm";
  int64_t layers = 1, hidden = 64;
};

void add_memory_train_flags(CLI::App& app, MemoryTrainFlags& f) {
  const char* task = "Task";
  app.add_option("--task", f.task, "echo | copy | adding")->group(task);
  app.add_option("--length", f.length,
                 "echo: symbols fed; copy: the delay between the sequence and its recall; adding: steps")
      ->group(task);
  app.add_option("--recall", f.recall, "echo: which symbol (1-based) is asked for at the end (default 1)")->group(task);
  app.add_option("--symbols", f.symbols, "echo, copy: alphabet size")->capture_default_str()->group(task);
  app.add_option("--items", f.items, "copy: symbols to copy")->capture_default_str()->group(task);
  app.add_option("--batch", f.batch, "Sequences per batch")->capture_default_str()->group(task);
  app.add_option("--val-examples", f.validation_examples, "Validation sequences scored at each evaluation")
      ->capture_default_str()->group(task);
  const char* model = "Model";
  app.add_option("--cell", f.cell, known_cell_names())->capture_default_str()->group(model);
  app.add_option("--layers", f.layers, "Recurrent layers")->capture_default_str()->group(model);
  app.add_option("--hidden", f.hidden, "Hidden units per layer")->capture_default_str()->group(model);
  name_flag("hidden_size", "--hidden");
  name_flag("num_layers", "--layers");
  name_flag("validation_examples", "--val-examples");
}

std::unique_ptr<TrainingTask> memory_task_from_flags(const MemoryTrainFlags& f, const CLI::App& app,
                                                    const TrainingFlags& training) {
  const uint64_t seed = training.seed;
  if (f.task.empty()) throw UsageError("--task is required (echo, copy or adding), unless you --resume a run");
  MemoryTaskSpec spec;
  try {
    spec.kind = parse_memory_task(f.task);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--task: ") + e.what());
  }
  if (f.length < 1 && !app.count("--length")) throw UsageError("--length is required");
  if (spec.kind != MemoryTaskKind::Echo && app.count("--recall")) throw UsageError("--recall is for the echo task only");
  if (spec.kind != MemoryTaskKind::Copy && app.count("--items")) throw UsageError("--items is for the copy task only");
  if (spec.kind == MemoryTaskKind::Adding && app.count("--symbols"))
    throw UsageError("--symbols is for the echo and copy tasks only");
  spec.length = f.length;
  spec.recall = app.count("--recall") ? f.recall : 1;
  spec.symbols = f.symbols;
  spec.items = f.items;
  spec.validate();
  CellKind cell;
  try {
    cell = parse_cell(f.cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  SequenceModelConfig config = memory_model_config(spec, cell, f.hidden, f.layers);
  config.init = recurrent_init(training);
  auto task = std::make_unique<MemoryTask>(spec, config, f.batch, f.validation_examples, seed);
  std::fprintf(stderr, "%s",
               fmt::format("task: {} with {} steps per sequence; model: {} x {} {} units\n",
                           memory_task_name(spec.kind), spec.steps(), f.layers, cell_name(cell), f.hidden)
                   .c_str());
  return task;
}

struct MemoryEvalFlags {
  std::string checkpoint;
  int64_t examples = 1000, batch = 100;
  bool json = false;
  int threads = 0;
};

int run_memory_eval(const MemoryEvalFlags& f) {
  if (f.examples < 1) throw UsageError("--examples must be >= 1");
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  apply_threads(f.threads);
  const Checkpoint checkpoint = load_checkpoint(find_checkpoint(f.checkpoint, CheckpointPick::BestElseLast));
  MemoryModel loaded = MemoryModel::from_checkpoint(checkpoint);
  const MemoryTaskSpec& spec = loaded.spec;
  const MemoryScore s = evaluate_memory(*loaded.model, spec, loaded.seed, MemoryStream::Test, f.examples, f.batch);
  nlohmann::json report = {{"checkpoint", checkpoint.path.string()},
                           {"task", memory_task_name(spec.kind)},
                           {"length", spec.length},
                           {"steps", spec.steps()},
                           {"sequences", s.sequences},
                           {"loss", s.loss.mean()}};
  if (spec.kind == MemoryTaskKind::Echo) report["recall"] = spec.recall;
  if (spec.regression()) {
    report["mse"] = s.mse;
    report["baseline_mse"] = s.baseline_mse;
  } else {
    report["accuracy"] = s.accuracy;
    report["correct"] = s.correct;
    report["scored"] = s.scored;
    report["chance_accuracy"] = 1.0 / static_cast<double>(spec.symbols);
  }
  if (f.json) {
    std::printf("%s\n", report.dump().c_str());
  } else {
    std::string out = fmt::format("checkpoint  {}\ntask        {}, length {}{} ({} steps), {} test sequences\n",
                                  checkpoint.path.string(), memory_task_name(spec.kind), spec.length,
                                  spec.kind == MemoryTaskKind::Echo ? fmt::format(", recall {}", spec.recall) : "",
                                  spec.steps(), s.sequences);
    if (spec.regression())
      out += fmt::format("mse         {:.6f}\nbaseline    {:.6f} (always predicting 1)\n", s.mse, s.baseline_mse);
    else
      out += fmt::format("accuracy    {:.4f} ({}/{} {}; chance {:.4f})\n", s.accuracy, s.correct, s.scored,
                         spec.per_step() ? "recalled symbols" : "sequences", 1.0 / static_cast<double>(spec.symbols));
    std::printf("%s", out.c_str());
  }
  std::fflush(stdout);
  return 0;
}

SubcommandRun add_memory_train(CLI::App& app) {
  auto task_flags = std::make_shared<MemoryTrainFlags>();
  auto training = std::make_shared<TrainingFlags>();
  training->run = "runs/memory";
  training->eval_every = 100;
  training->epochs = 0;  // the data never repeats: a run is limited by --max-iters or --max-time
  training->max_iters = 2000;
  training->lr = 1e-2;
  training->clip = 1.0;
  add_memory_train_flags(app, *task_flags);
  add_training_flags(app, *training);
  return [task_flags, training, &app] {
    const TaskFactory factory{
        .task = kMemoryTask,
        .description = "a memory-task model",
        .from_flags = [&] { return memory_task_from_flags(*task_flags, app, *training); },
        .from_checkpoint = [](const Checkpoint& c) -> std::unique_ptr<TrainingTask> {
          return MemoryTask::from_checkpoint(c);
        },
        // --task is checked with the other flags; until then, echo's figures.
        .validation_metrics = MemoryTask::metrics(task_flags->task == memory_task_name(MemoryTaskKind::Adding)
                                                      ? MemoryTaskKind::Adding
                                                      : MemoryTaskKind::Echo)};
    return run_training_command(*training, app, factory);
  };
}

SubcommandRun add_memory_eval(CLI::App& app) {
  auto f = std::make_shared<MemoryEvalFlags>();
  add_checkpoint_argument(app, f->checkpoint);
  app.add_option("--examples", f->examples, "Test sequences (from a stream training never draws)")
      ->capture_default_str();
  app.add_option("--batch", f->batch, "Sequences per batch")->capture_default_str();
  app.add_flag("--json", f->json, "Print the result as one JSON line");
  add_threads_flag(app, f->threads);
  return [f] { return run_memory_eval(*f); };
}

const bool memory_registered = register_subcommand(
    "memory", "Synthetic memory tasks (echo, copy, adding): train | eval", [](CLI::App& app) -> SubcommandRun {
      return add_actions(app, {{"train", "Train a recurrent model on a memory task generated from the seed",
                                add_memory_train},
                               {"eval", "Accuracy (echo, copy) or MSE beside the baseline (adding)", add_memory_eval}});
    });

}  // namespace
}  // namespace recur::cli
