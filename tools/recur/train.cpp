// recur train: a character-level language model on any text (char-rnn).
// Its own flags are the text and the model; the training flags, the run
// folder and --resume come from the shared training command.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "recur/cell.h"
#include "recur/char_lm_task.h"
#include "training_command.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct CharLmFlags {
  std::vector<std::string> data;
  bool bytes = false;
  double val_frac = 0.1, test_frac = 0.0;
  std::string cell = "lstm", gru_reset = "after";
  int64_t layers = 2, hidden = 128;
  std::optional<int64_t> embedding;  // default 0 (one-hot), or --hidden for mut1 and mut2
  double dropout = 0.0;
  int64_t batch = 50, seq = 50;
  bool full_bptt = false;
};

void add_char_lm_flags(CLI::App& app, CharLmFlags& f) {
  const char* data = "Data";
  app.add_option("--data", f.data, "Text files or folders to train on (UTF-8)")->group(data);
  app.add_flag("--bytes", f.bytes, "Vocabulary of bytes instead of Unicode code points")->group(data);
  app.add_option("--val-frac", f.val_frac, "Fraction of the text (its end) held out for validation")
      ->capture_default_str()->group(data);
  app.add_option("--test-frac", f.test_frac, "Fraction held out for test, after validation")
      ->capture_default_str()->group(data);
  app.add_option("--batch", f.batch, "Parallel streams over the text")->capture_default_str()->group(data);
  app.add_option("--seq", f.seq, "Steps of truncated BPTT")->capture_default_str()->group(data);
  app.add_flag("--full-bptt", f.full_bptt, "Backpropagate through each whole stream (short documents)")->group(data);
  const char* model = "Model";
  app.add_option("--cell", f.cell, "Recurrent cell: " + known_cell_names())->capture_default_str()->group(model);
  app.add_option("--gru-reset", f.gru_reset, "GRU reset: after (PyTorch) | before (Cho et al. 2014)")
      ->capture_default_str()->group(model);
  app.add_option("--layers", f.layers, "Recurrent layers")->capture_default_str()->group(model);
  app.add_option("--hidden", f.hidden, "Hidden units per layer")->capture_default_str()->group(model);
  app.add_option("--embedding", f.embedding,
                 "Embedding size; 0 = one-hot input (char-rnn, the default); mut1 and mut2 default to --hidden")
      ->group(model);
  app.add_option("--dropout", f.dropout, "Dropout between layers and before the decoder")
      ->capture_default_str()->group(model);
}

// Checked before the text is read, so that a typo costs nothing.
LanguageModelConfig model_config(const CharLmFlags& f, const TrainingFlags& training) {
  if (f.data.empty()) throw UsageError("--data is required (a text file or folder), unless you --resume a run");
  if (f.layers < 1) throw UsageError("--layers must be >= 1");
  if (f.hidden < 1) throw UsageError("--hidden must be >= 1");
  if (f.embedding.value_or(0) < 0) throw UsageError("--embedding must be >= 0 (0 = one-hot)");
  if (!(f.dropout >= 0 && f.dropout < 1)) throw UsageError("--dropout must be in [0, 1)");
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  if (!f.full_bptt && f.seq < 1) throw UsageError("--seq must be >= 1");
  LanguageModelConfig config;
  try {
    config.cell = parse_cell(f.cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  try {
    config.gru_reset = parse_gru_reset(f.gru_reset);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--gru-reset: ") + e.what());
  }
  // MUT1 and MUT2 add their input to a hidden-sized vector: their embedding is
  // --hidden wide unless given (a different width is refused by Recurrent).
  config.embedding_size = f.embedding.value_or(cell_info(config.cell).input_width_is_hidden ? f.hidden : 0);
  config.hidden_size = f.hidden;
  config.num_layers = f.layers;
  config.dropout = f.dropout;
  config.init = recurrent_init(training);
  return config;
}

std::unique_ptr<TrainingTask> char_lm_from_flags(const CharLmFlags& f, const TrainingFlags& training) {
  const uint64_t seed = training.seed;
  LanguageModelConfig config = model_config(f, training);
  const TextCorpus corpus = TextCorpus::read(std::vector<fs::path>(f.data.begin(), f.data.end()),
                                             f.bytes ? TextUnit::Byte : TextUnit::CodePoint);
  CharModel model;
  model.vocabulary = Vocabulary::of_text(corpus.symbols(), corpus.unit());
  const int64_t seq = f.full_bptt ? 0 : f.seq;
  const CharDataRecord record =
      CharDataRecord::of(corpus, f.data, SplitFractions{f.val_frac, f.test_frac}, f.batch, seq);
  record.fractions.validate();
  CharCorpusSplit data = split_char_corpus(corpus, model.vocabulary, record);
  config.vocab_size = model.vocabulary.size();
  Rng init_rng(seed);
  model.model = std::make_unique<LanguageModel>(config, init_rng);
  std::cerr << fmt::format("corpus: {} symbols, vocabulary {}; train {} / validation {} / test {}\n",
                           data.train.size() + data.validation.size() + data.test.size(), model.vocabulary.size(),
                           data.train.size(), data.validation.size(), data.test.size());
  std::cerr << fmt::format("model: {} x {} {} units\n", f.layers, cell_name(config.cell), f.hidden);
  return std::make_unique<CharLanguageModelTask>(std::move(model), std::move(data), f.batch, seq);
}

const bool train_registered = register_subcommand(
    "train", "Train a character-level language model on text files", [](CLI::App& app) -> SubcommandRun {
      auto task_flags = std::make_shared<CharLmFlags>();
      auto training = std::make_shared<TrainingFlags>();
      training->run = "runs/char-lm";
      add_char_lm_flags(app, *task_flags);
      add_training_flags(app, *training);
      return [task_flags, training, &app] {
        const TaskFactory factory{
            .task = kCharLmTask,
            .description = "a character language model",
            .from_flags = [&] { return char_lm_from_flags(*task_flags, *training); },
            .from_checkpoint = [](const Checkpoint& c) -> std::unique_ptr<TrainingTask> {
              return CharLanguageModelTask::from_checkpoint(c);
            }};
        return run_training_command(*training, app, factory);
      };
    });

}  // namespace
}  // namespace recur::cli
