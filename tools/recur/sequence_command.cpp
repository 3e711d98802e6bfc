#include "sequence_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "model_loading.h"
#include "recur/conllu.h"
#include "recur/run_folder.h"
#include "recur/sequence_evaluation.h"
#include "recur/sequence_task.h"
#include "threads_flag.h"
#include "training_command.h"

namespace recur::cli {
namespace {

bool per_step(LabelScope scope) { return scope == LabelScope::PerStep; }

// --column is checked while the flags are parsed, so that a typo is refused
// naming the flag before any file is read.
const CLI::Validator kConlluColumnName(
    [](const std::string& name) {
      try {
        parse_conllu_column(name);
        return std::string();
      } catch (const std::invalid_argument& e) {
        return std::string(e.what());
      }
    },
    "COLUMN");

// ---- train ----

struct SequenceTrainFlags {
  std::string data, dev, format = "auto", column = "upos";
  bool lowercase = false;
  int64_t min_count = 1, max_vocab = 0, batch = 32;
  std::string embeddings;
  bool freeze_embeddings = false;
  int64_t word_embedding = 100;
  std::string char_encoder = "none";
  int64_t char_embedding = 25, char_hidden = 25;
  std::string cell = "lstm", pooling = "max";
  bool bidirectional = false;
  int64_t layers = 1, hidden = 128;
  double dropout = 0.5, word_dropout = 0.0;
};

void add_train_flags(CLI::App& app, SequenceTrainFlags& f, LabelScope scope) {
  const char* data = "Data";
  app.add_option("--data", f.data, per_step(scope) ? "Training file: CoNLL-U, token<TAB>tag TSV, or frame JSONL"
                                                   : "Training file: text<TAB>label TSV, or frame JSONL")
      ->group(data);
  app.add_option("--dev", f.dev, "Dev file, same format: model selection (best.safetensors) and early stopping")
      ->group(data);
  app.add_option("--format", f.format, per_step(scope) ? "auto | tsv | conllu | jsonl" : "auto | tsv | jsonl")
      ->capture_default_str()->group(data);
  if (per_step(scope))
    app.add_option("--column", f.column, "CoNLL-U column to learn: upos, xpos, deprel or any column by name")
        ->capture_default_str()->check(kConlluColumnName)->group(data);
  app.add_flag("--lowercase", f.lowercase, "Lowercase words (and characters) before the vocabulary")->group(data);
  app.add_option("--min-count", f.min_count, "Keep words seen at least this often; rarer ones are <unk>")
      ->capture_default_str()->group(data);
  app.add_option("--max-vocab", f.max_vocab, "At most this many words (0: no limit)")->capture_default_str()->group(data);
  app.add_option("--batch", f.batch, "Sequences per batch (bucketed by length)")->capture_default_str()->group(data);
  const char* model = "Model";
  app.add_option("--embeddings", f.embeddings, "Pre-trained word vectors (word2vec/GloVe text format)")->group(model);
  app.add_flag("--freeze-embeddings", f.freeze_embeddings, "Keep the pre-trained vectors fixed")->group(model);
  app.add_option("--word-embedding", f.word_embedding, "Word embedding size (with --embeddings: the file's)")
      ->capture_default_str()->group(model);
  if (per_step(scope)) f.char_encoder = "lstm";
  app.add_option("--char-encoder", f.char_encoder, "Character word encoder: none | lstm | gru (a BiLSTM/BiGRU over each word)")
      ->capture_default_str()->group(model);
  app.add_option("--char-embedding", f.char_embedding, "Character embedding size")->capture_default_str()->group(model);
  app.add_option("--char-hidden", f.char_hidden, "Character encoder units per direction")
      ->capture_default_str()->group(model);
  app.add_option("--cell", f.cell, "Recurrent cell: " + known_cell_names())->capture_default_str()->group(model);
  app.add_option("--layers", f.layers, "Recurrent layers")->capture_default_str()->group(model);
  app.add_option("--hidden", f.hidden, "Hidden units per layer and direction")->capture_default_str()->group(model);
  if (!per_step(scope)) {
    app.add_flag("--bidirectional", f.bidirectional, "Bidirectional layers")->group(model);
    app.add_option("--pooling", f.pooling, "Over valid steps: last | mean | max")->capture_default_str()->group(model);
  }
  app.add_option("--dropout", f.dropout, "Dropout on the input, between layers and before the classifier")
      ->capture_default_str()->group(model);
  app.add_option("--word-dropout", f.word_dropout,
                 "In training, replace each word by <unk> with this probability (its characters stay)")
      ->capture_default_str()->group(model);
}

CellKind parse_cell_flag(const std::string& flag, const std::string& name) {
  try {
    return parse_cell(name);
  } catch (const std::invalid_argument& e) {
    throw UsageError(flag + ": " + e.what());
  }
}

SequenceFormat parse_format_flag(const std::string& name) {
  try {
    return parse_sequence_format(name);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
}

// Checked before the data is read, so that a typo costs nothing.
SequenceLabelerOptions labeler_options(const SequenceTrainFlags& f, const TrainingFlags& training, LabelScope scope) {
  if (f.data.empty()) throw UsageError("--data is required (the training file), unless you --resume a run");
  if (f.min_count < 1) throw UsageError("--min-count must be >= 1");
  if (f.max_vocab != 0 && f.max_vocab < 2) throw UsageError("--max-vocab must be 0 (no limit) or >= 2");
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  if (f.char_encoder != "none" && f.char_encoder != "lstm" && f.char_encoder != "gru")
    throw UsageError("--char-encoder must be none, lstm or gru, got '" + f.char_encoder + "'");
  parse_format_flag(f.format);
  SequenceLabelerOptions o;
  o.vocabulary = {.min_count = f.min_count, .max_size = f.max_vocab, .lowercase = f.lowercase};
  o.char_encoder = f.char_encoder != "none";
  o.embeddings = f.embeddings;
  o.freeze_embeddings = f.freeze_embeddings;
  SequenceModelConfig& m = o.model;
  m.input.word_embedding = f.word_embedding;
  m.input.char_embedding = f.char_embedding;
  m.input.char_hidden = f.char_hidden;
  m.input.word_dropout = f.word_dropout;
  if (o.char_encoder) m.input.char_cell = parse_cell_flag("--char-encoder", f.char_encoder);
  m.cell = parse_cell_flag("--cell", f.cell);
  m.hidden_size = f.hidden;
  m.num_layers = f.layers;
  m.dropout = f.dropout;
  m.bidirectional = per_step(scope) || f.bidirectional;
  m.init = recurrent_init(training);
  if (!per_step(scope)) {
    try {
      m.pooling = parse_pooling(f.pooling);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--pooling: ") + e.what());
    }
  }
  // Sizes checked with a stand-in input, before any file is read.
  SequenceModelConfig probe = m;
  probe.classes = 2;
  probe.input.vocab_size = 2;
  probe.input.char_vocab_size = o.char_encoder ? 2 : 0;
  probe.validate();
  return o;
}

std::unique_ptr<TrainingTask> task_from_flags(const SequenceTrainFlags& f, const TrainingFlags& training,
                                              LabelScope scope) {
  const SequenceLabelerOptions options = labeler_options(f, training, scope);
  if (f.freeze_embeddings && training.optimizer_options.weight_decay.value_or(0) > 0)
    throw UsageError("--freeze-embeddings with --weight-decay would still shrink the frozen vectors; drop one");
  SequenceDataRecord record{.train = f.data, .dev = f.dev, .format = parse_format_flag(f.format), .column = f.column,
                            .batch = f.batch, .seed = training.seed};
  SequenceExamples train = read_sequence_examples(f.data, record.read_options(scope));
  std::optional<SequenceExamples> dev;
  if (!f.dev.empty()) dev = read_sequence_examples(f.dev, record.read_options(scope));
  Rng init_rng(training.seed);
  int64_t missing = 0;
  SequenceLabeler labeler = SequenceLabeler::build(train, options, init_rng, &missing);
  int64_t tokens = 0;
  for (int64_t length : train.lengths()) tokens += length;
  std::cerr << fmt::format("train: {} sequences, {} steps; {} labels", train.size(), tokens, labeler.labels.size());
  if (dev) std::cerr << fmt::format("; dev: {} sequences", dev->size());
  if (!train.is_frames()) std::cerr << fmt::format("; vocabulary {} words", labeler.vocabulary.size());
  std::cerr << "\n";
  if (!f.embeddings.empty())
    std::cerr << fmt::format("embeddings: {} of {} vocabulary words found in {}, {} missing (random){}\n",
                             labeler.vocabulary.size() - 2 - missing, labeler.vocabulary.size() - 2, f.embeddings,
                             missing, f.freeze_embeddings ? "; frozen" : "");
  return std::make_unique<SequenceTask>(std::move(labeler), std::move(train), std::move(dev), record);
}

SubcommandRun setup_train(CLI::App& app, LabelScope scope) {
  auto flags = std::make_shared<SequenceTrainFlags>();
  auto training = std::make_shared<TrainingFlags>();
  training->run = "runs/" + task_name(scope);
  training->eval_every = 200;
  training->lr = 1e-3;
  add_train_flags(app, *flags, scope);
  add_training_flags(app, *training);
  for (const auto& [option, flag] : {std::pair{"hidden_size", "--hidden"}, {"num_layers", "--layers"},
                                     {"char_encoder", "--char-encoder"}, {"embeddings", "--embeddings"}})
    name_flag(option, flag);
  return [flags, training, scope, &app] {
    return run_training_command(*training, app, TaskFactory{
        .task = task_name(scope),
        .description = task_description(scope),
        .from_flags = [=] { return task_from_flags(*flags, *training, scope); },
        .from_checkpoint = [scope](const Checkpoint& c) -> std::unique_ptr<TrainingTask> {
          return SequenceTask::from_checkpoint(c, scope);
        },
        .validation_metrics = SequenceTask::metrics()});
  };
}

// ---- eval and predict ----

struct LoadedLabeler {
  std::filesystem::path path;
  SequenceLabeler labeler;
  std::string column;  // the CoNLL-U column it was trained on
};

LoadedLabeler load_labeler(const std::string& target, LabelScope scope) {
  LoadedLabeler loaded;
  loaded.path = find_checkpoint(target, CheckpointPick::BestElseLast);
  const Checkpoint checkpoint = load_checkpoint(loaded.path);
  loaded.labeler = SequenceLabeler::from_checkpoint(checkpoint, scope);
  loaded.column = checkpoint.training.contains("data") ? checkpoint.training["data"].value("column", "upos") : "upos";
  return loaded;
}

struct ReadFlags {
  std::string checkpoint, format = "auto", column;
  bool json = false;
  int64_t batch = 64;
  int threads = 0;
};

void add_read_flags(CLI::App& app, ReadFlags& f, LabelScope scope) {
  add_checkpoint_argument(app, f.checkpoint);
  app.add_option("--format", f.format, per_step(scope) ? "auto | tsv | conllu | jsonl" : "auto | tsv | jsonl")
      ->capture_default_str();
  if (per_step(scope))
    app.add_option("--column", f.column, "CoNLL-U column of the tags (default: the one the model was trained on)")
        ->check(kConlluColumnName);
  app.add_option("--batch", f.batch, "Sequences per batch")->capture_default_str();
  add_threads_flag(app, f.threads);
}

SequenceReadOptions read_options(const ReadFlags& f, const LoadedLabeler& loaded, bool labels_required) {
  return {.format = parse_format_flag(f.format), .scope = loaded.labeler.scope, .labels_required = labels_required,
          .column = f.column.empty() ? loaded.column : f.column};
}

void print_evaluation(const SequenceEvaluation& e, const SequenceLabeler& labeler, const std::string& file) {
  const ConfusionMatrix& m = e.confusion;
  const LabelSet& labels = labeler.labels;
  std::cout << fmt::format("{}: {} {}\n", file, m.total(), per_step(labeler.scope) ? "tokens" : "sequences");
  std::cout << fmt::format("accuracy   {:.4f} ({}/{})\n", m.accuracy(), m.correct(), m.total());
  std::cout << fmt::format("macro-F1   {:.4f}\n", m.macro_f1());
  if (per_step(labeler.scope)) {
    if (e.unseen_total > 0)
      std::cout << fmt::format("unseen     {:.4f} ({}/{} tokens whose word the vocabulary lacks)\n",
                               e.unseen_accuracy(), e.unseen_correct, e.unseen_total);
    std::cout << fmt::format("sentences  {:.4f} ({}/{} entirely right)\n", e.sentence_accuracy(), e.sentences_correct,
                             e.sentences);
  }
  if (m.unknown() > 0) std::cout << fmt::format("unknown labels: {} (counted as wrong)\n", m.unknown());
  size_t width = 5;
  for (const std::string& l : labels.labels()) width = std::max(width, l.size());
  std::cout << fmt::format("\n{:<{}}  precision  recall     f1  support\n", "label", width);
  for (int64_t c = 0; c < labels.size(); ++c)
    std::cout << fmt::format("{:<{}}  {:9.4f}  {:6.4f}  {:.4f}  {:7}\n", labels.label(c), width, m.precision(c),
                             m.recall(c), m.f1(c), m.support(c));
  std::cout << fmt::format("\nconfusion (rows: gold, columns: predicted)\n{:<{}}", "", width);
  for (int64_t c = 0; c < labels.size(); ++c) std::cout << fmt::format(" {:>{}}", labels.label(c), width);
  std::cout << "\n";
  for (int64_t g = 0; g < labels.size(); ++g) {
    std::cout << fmt::format("{:<{}}", labels.label(g), width);
    for (int64_t p = 0; p < labels.size(); ++p) std::cout << fmt::format(" {:>{}}", m.count(g, p), width);
    std::cout << "\n";
  }
}

SubcommandRun setup_eval(CLI::App& app, LabelScope scope) {
  auto f = std::make_shared<ReadFlags>();
  auto data = std::make_shared<std::string>();
  auto allow_unknown = std::make_shared<bool>(false);
  add_read_flags(app, *f, scope);
  app.add_option("--data", *data, "Labelled file to evaluate on ('-': standard input)")->required();
  app.add_flag("--json", f->json, "One JSON object (accuracy as a fraction, macro_f1, per_class, confusion, ...)");
  app.add_flag("--allow-unknown-labels", *allow_unknown,
               "Count labels the training data never had as wrong instead of stopping");
  return [f, data, allow_unknown, scope] {
    apply_threads(f->threads);
    if (f->batch < 1) throw UsageError("--batch must be >= 1");
    LoadedLabeler loaded = load_labeler(f->checkpoint, scope);
    const SequenceExamples examples = read_sequence_examples(*data, read_options(*f, loaded, true));
    const EncodedSequences encoded =
        loaded.labeler.encode(examples, *allow_unknown ? UnknownLabels::Count : UnknownLabels::Error);
    if (encoded.unknown.count > 0) std::cerr << "recur: " << examples.file << ": " << encoded.unknown.summary() << "\n";
    const SequenceEvaluation result = evaluate_sequences(loaded.labeler, examples, encoded, f->batch);
    if (f->json) {
      nlohmann::json j = result.to_json(loaded.labeler.labels, scope);
      j["checkpoint"] = loaded.path.string();
      j["data"] = examples.file;
      std::cout << j.dump() << "\n";
    } else {
      print_evaluation(result, loaded.labeler, examples.file);
    }
    return 0;
  };
}

// Predictions of one file, written in its own format.
void write_predictions(const SequenceExamples& examples, const SequenceLabeler& labeler,
                       const std::vector<std::vector<float>>& probabilities, const ReadFlags& f,
                       const std::string& column, std::ostream& out) {
  const LabelSet& labels = labeler.labels;
  const int64_t C = labels.size();
  const std::vector<std::vector<int64_t>> predicted = argmax_labels(probabilities, C);
  auto names = [&](size_t e) {
    std::vector<std::string> row;
    for (int64_t id : predicted[e]) row.push_back(labels.label(id));
    return row;
  };
  auto probability_map = [&](const float* p) {
    nlohmann::json j = nlohmann::json::object();
    for (int64_t c = 0; c < C; ++c) j[labels.label(c)] = p[c];
    return j;
  };
  if (!per_step(labeler.scope)) {
    for (size_t e = 0; e < predicted.size(); ++e) {
      const float* p = probabilities[e].data();
      if (f.json) {
        out << nlohmann::json{{"label", names(e)[0]}, {"probabilities", probability_map(p)}}.dump() << "\n";
        continue;
      }
      out << names(e)[0] << "\t";
      for (int64_t c = 0; c < C; ++c) out << (c ? " " : "") << labels.label(c) << "=" << fmt::format("{:.4f}", p[c]);
      out << "\n";
    }
    return;
  }
  if (f.json || examples.is_frames()) {
    for (size_t e = 0; e < predicted.size(); ++e) {
      nlohmann::json j;
      if (!examples.is_frames()) j["words"] = examples.examples[e].words;
      j["labels"] = names(e);
      if (f.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (size_t t = 0; t < predicted[e].size(); ++t) rows.push_back(probability_map(probabilities[e].data() + t * C));
        j["probabilities"] = rows;
      }
      out << j.dump() << "\n";
    }
    return;
  }
  if (examples.conllu) {
    std::vector<std::vector<std::string>> values;
    for (size_t e = 0; e < predicted.size(); ++e) values.push_back(names(e));
    examples.conllu->write(out, parse_conllu_column(column), values);
    return;
  }
  for (size_t e = 0; e < predicted.size(); ++e) {
    if (e > 0) out << "\n";
    const std::vector<std::string> tags = names(e);
    for (size_t t = 0; t < tags.size(); ++t) out << examples.examples[e].words[t] << "\t" << tags[t] << "\n";
  }
}

SubcommandRun setup_predict(CLI::App& app, LabelScope scope) {
  auto f = std::make_shared<ReadFlags>();
  auto files = std::make_shared<std::vector<std::string>>();
  add_read_flags(app, *f, scope);
  app.add_option("files", *files, "Files to label (standard input when none); labels in them are ignored");
  app.add_flag("--json", f->json,
               per_step(scope) ? "One JSON object per sequence: words, labels, probabilities per step"
                               : "One JSON object per line: label and probabilities");
  return [f, files, scope] {
    apply_threads(f->threads);
    if (f->batch < 1) throw UsageError("--batch must be >= 1");
    LoadedLabeler loaded = load_labeler(f->checkpoint, scope);
    const std::vector<std::string> sources = files->empty() ? std::vector<std::string>{"-"} : *files;
    const std::string column = f->column.empty() ? loaded.column : f->column;
    // Everything is read and checked before the first line is written.
    std::vector<SequenceExamples> inputs;
    std::vector<EncodedSequences> encoded;
    for (const std::string& source : sources) {
      inputs.push_back(read_sequence_examples(source, read_options(*f, loaded, false)));
      encoded.push_back(loaded.labeler.encode(inputs.back(), UnknownLabels::Count));
    }
    std::ostringstream out;
    for (size_t i = 0; i < inputs.size(); ++i)
      write_predictions(inputs[i], loaded.labeler, loaded.labeler.predict(inputs[i], encoded[i], f->batch), *f,
                        column, out);
    std::cout << out.str();
    return 0;
  };
}

}  // namespace

SubcommandRun setup_sequence_command(CLI::App& app, LabelScope scope) {
  const std::string what = per_step(scope) ? "tagger" : "classifier";
  return add_actions(app, {{"train", "Train a sequence " + what, [scope](CLI::App& a) { return setup_train(a, scope); }},
                           {"eval", "Evaluate a " + what + " on a labelled file",
                            [scope](CLI::App& a) { return setup_eval(a, scope); }},
                           {"predict", "Label files (or standard input) with a " + what,
                            [scope](CLI::App& a) { return setup_predict(a, scope); }}});
}

}  // namespace recur::cli
