// recur eval CHECKPOINT: the loss of a character model on a text — in nats
// per character, bits per character and perplexity.
//
// The text is a file (--text) or the validation or test part of the run's own
// data (--split), which is re-read from the paths and fractions recorded in
// the checkpoint's "recur.training" JSON under "data". By default the text is
// read as one stream, so every character is predicted from all of the text
// before it; --batch N --seq T reproduces the validation figure `recur train`
// logs (it evaluates with the training --batch and --seq).
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "model_loading.h"
#include "recur/char_lm_evaluation.h"
#include "recur/char_training_data.h"
#include "recur/text_corpus.h"
#include "subcommand.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct EvalFlags {
  std::string checkpoint;
  std::optional<std::string> text;
  std::optional<std::string> split;
  int64_t batch = 1;
  int64_t seq = 100;
  bool json = false;
  int threads = 0;
};

struct EvaluationText {
  std::vector<int64_t> tokens;
  std::string description;  // what was evaluated, for the report
};

EvaluationText read_text_file(const std::string& file, const LoadedCharModel& loaded) {
  return {read_text_tokens(file, loaded), file};
}

// The validation or test part of the data the run was trained on. A text
// that changed since is still evaluated, with a warning: the part held out
// may then not be the one the run validated on.
EvaluationText read_split(const std::string& part, const LoadedCharModel& loaded) {
  const std::string where = loaded.path.string();
  if (!loaded.training.contains("data"))
    throw UsageError(where + " does not record its training data (no \"data\" in recur.training); evaluate on a "
                             "file with --text FILE");
  const CharDataRecord record = CharDataRecord::from_json(loaded.training.at("data"), where);
  const Vocabulary& vocabulary = loaded.model.vocabulary;
  if (record.unit != vocabulary.unit())
    throw FormatError(where + ": the training data was read as " + text_unit_name(record.unit) +
                      "s but the vocabulary holds " + text_unit_name(vocabulary.unit()) + "s");
  TextCorpus corpus;
  try {
    corpus = read_recorded_text(record, where);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(e.what()) + "; evaluate on a file with --text FILE");
  }
  if (const std::string change = describe_text_change(corpus, vocabulary, record); !change.empty())
    std::cerr << "recur: warning: the training data of " << where << " changed since it was saved (" << change
              << "); the split may not be the one the run held out\n";

  CharCorpusSplit split;
  try {
    split = split_char_corpus(corpus, vocabulary, record);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("cannot split the training data of {}: {}", where, e.what()));
  }
  const bool validation = part == "validation";
  const double fraction = validation ? record.fractions.validation : record.fractions.test;
  EvaluationText text;
  text.tokens = validation ? std::move(split.validation) : std::move(split.test);
  if (text.tokens.size() < 2)
    throw UsageError(fmt::format("the run of {} has no {} split (it was trained with --{}-frac {}); use --split {} "
                                 "or --text FILE",
                                 where, part, validation ? "val" : "test", fraction,
                                 validation ? "test" : "validation"));
  std::string files = record.paths.front();
  if (record.paths.size() > 1) files += fmt::format(" and {} more", record.paths.size() - 1);
  text.description = fmt::format("{} split ({:g}%) of {}", part, 100 * fraction, files);
  return text;
}

int run_eval(const EvalFlags& f) {
  if (f.text.has_value() == f.split.has_value())
    throw UsageError("give either --text FILE or --split validation|test");
  if (f.split && *f.split != "validation" && *f.split != "test")
    throw UsageError("--split must be validation or test, got '" + *f.split + "'");
  if (f.batch < 1) throw UsageError("--batch must be >= 1, got " + std::to_string(f.batch));
  if (f.seq < 1) throw UsageError("--seq must be >= 1, got " + std::to_string(f.seq));
  apply_threads(f.threads);

  LoadedCharModel loaded = load_char_model(f.checkpoint);
  const EvaluationText text = f.text ? read_text_file(*f.text, loaded) : read_split(*f.split, loaded);
  if (text.tokens.size() < 2)
    throw UsageError(fmt::format("{}: too short to evaluate ({} symbol{}; at least 2 are needed)", text.description,
                                 text.tokens.size(), text.tokens.size() == 1 ? "" : "s"));
  const CharEvaluation result = evaluate_tokens(*loaded.model.model, text.tokens, f.batch, f.seq);
  const bool bytes = loaded.model.vocabulary.unit() == TextUnit::Byte;

  if (f.json) {
    const nlohmann::json report = {{"checkpoint", loaded.path.string()},
                                   {"text", text.description},
                                   {"unit", text_unit_name(loaded.model.vocabulary.unit())},
                                   {"characters", result.count},
                                   {"nats_per_char", result.nats_per_char()},
                                   {"bits_per_char", result.bits_per_char()},
                                   {"perplexity", result.perplexity()},
                                   {"streams", result.streams},
                                   {"seq", f.seq}};
    std::printf("%s\n", report.dump().c_str());
  } else {
    std::printf("%s", fmt::format("checkpoint  {}\n"
                                  "text        {}\n"
                                  "scored      {} {} ({} stream{} of {}-step chunks)\n"
                                  "loss        {:.4f} nats/{}   {:.4f} bits/{}   perplexity {:.3f}\n",
                                  loaded.path.string(), text.description, result.count, bytes ? "bytes" : "characters",
                                  result.streams, result.streams == 1 ? "" : "s", f.seq, result.nats_per_char(),
                                  bytes ? "byte" : "char", result.bits_per_char(), bytes ? "byte" : "char",
                                  result.perplexity())
                          .c_str());
  }
  std::fflush(stdout);
  return 0;
}

const bool eval_registered = register_subcommand(
    "eval", "Loss (nats/char, bits/char, perplexity) of a character model on a text", [](CLI::App& app) -> SubcommandRun {
      auto f = std::make_shared<EvalFlags>();
      add_checkpoint_argument(app, f->checkpoint);
      app.add_option("--text", f->text, "Evaluate on this text file");
      app.add_option("--split", f->split, "Evaluate on the run's own validation or test part: validation | test");
      app.add_option("--batch", f->batch,
                     "Parallel streams (1: every character sees all the text before it; more is faster)")
          ->capture_default_str();
      app.add_option("--seq", f->seq, "Steps per chunk (the state is carried across chunks)")->capture_default_str();
      app.add_flag("--json", f->json, "Print the result as one JSON line");
      add_threads_flag(app, f->threads);
      return [f] { return run_eval(*f); };
    });

}  // namespace
}  // namespace recur::cli
