// recur visualize CHECKPOINT --text FILE: runs a character model over a text,
// finds the units that track quotes, brackets, line position and the like,
// and writes a self-contained page of the text coloured by them (the library's
// include/recur/visualization.h); prints the best units of each feature.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "model_loading.h"
#include "recur/text_corpus.h"
#include "recur/visualization.h"
#include "subcommand.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct VisualizeFlags {
  std::string checkpoint;
  std::string text;
  std::string out;
  int64_t max_chars = 2000;
  int64_t top = 5;
  int threads = 0;
};

int run_visualize(const VisualizeFlags& f) {
  if (f.max_chars < 1) throw UsageError("--max-chars must be >= 1, got " + std::to_string(f.max_chars));
  if (f.top < 1) throw UsageError("--top must be >= 1, got " + std::to_string(f.top));
  apply_threads(f.threads);
  LoadedCharModel loaded = load_char_model(f.checkpoint);
  const TextCorpus corpus = TextCorpus::read({fs::path(f.text)}, loaded.model.vocabulary.unit());
  std::vector<char32_t> text = corpus.symbols();
  const size_t whole = text.size();
  if (text.size() > static_cast<size_t>(f.max_chars)) text.resize(static_cast<size_t>(f.max_chars));
  const Visualization v = visualize(loaded.model, std::move(text), f.text, f.top);

  const LanguageModelConfig& config = loaded.model.model->config();
  const std::string description = fmt::format(
      "Model {} ({} x {} {} units, vocabulary {}); text {}: the first {} of its {} characters.",
      loaded.path.string(), config.num_layers, cell_name(config.cell), config.hidden_size, config.vocab_size, f.text,
      v.text.size(), whole);
  const fs::path out = !f.out.empty() ? fs::path(f.out)
                       : loaded.path.parent_path().empty() ? fs::path("visualize.html")
                                                           : loaded.path.parent_path() / "visualize.html";
  visualization_page(loaded.model, v, "recur visualize: " + fs::path(f.text).filename().string(), description)
      .write(out);

  for (const FeatureUnits& feature : v.best) {
    std::string line = fmt::format("{:<22}", feature.feature);
    for (const auto& match : feature.best) line += fmt::format("  {} ({:+.2f})", match.unit.name(), match.correlation);
    if (feature.best.empty()) line += "  " + feature.note;
    std::printf("%s\n", line.c_str());
  }
  std::fprintf(stderr, "%s\n", fmt::format("wrote {}", out.string()).c_str());
  return 0;
}

const bool visualize_registered = register_subcommand(
    "visualize", "Find interpretable units of a character model and colour a text by them (an HTML page)",
    [](CLI::App& app) -> SubcommandRun {
      auto f = std::make_shared<VisualizeFlags>();
      add_checkpoint_argument(app, f->checkpoint);
      app.add_option("--text", f->text, "The text to run the model over (in the model's characters)")->required();
      app.add_option("-o,--out", f->out, "Where to write the page (default: visualize.html beside the checkpoint)");
      app.add_option("--max-chars", f->max_chars,
                     "Use the first N characters of the text (the page holds every unit for each)")
          ->capture_default_str();
      app.add_option("--top", f->top, "Best units listed per feature")->capture_default_str();
      add_threads_flag(app, f->threads);
      return [f] { return run_visualize(*f); };
    });

}  // namespace
}  // namespace recur::cli
