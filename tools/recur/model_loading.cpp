#include "model_loading.h"

#include <fmt/format.h>

#include "recur/run_folder.h"
#include "recur/text_corpus.h"
#include "subcommand.h"

namespace recur::cli {

void add_checkpoint_argument(CLI::App& app, std::string& target) {
  app.add_option("checkpoint", target, "Checkpoint file, or a run folder (its best.safetensors, else last.safetensors)")
      ->required();
}

LoadedCharModel load_char_model(const std::string& target) {
  LoadedCharModel loaded;
  loaded.path = find_checkpoint(target, CheckpointPick::BestElseLast);
  Checkpoint checkpoint = load_checkpoint(loaded.path);
  loaded.model = CharModel::from_checkpoint(checkpoint);
  loaded.training = std::move(checkpoint.training);
  return loaded;
}

std::vector<int64_t> read_text_tokens(const std::string& file, const LoadedCharModel& loaded) {
  const Vocabulary& vocabulary = loaded.model.vocabulary;
  const TextCorpus corpus = TextCorpus::read({std::filesystem::path(file)}, vocabulary.unit());
  try {
    return vocabulary.encode(corpus.symbols());
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: {} (the model {} knows {} symbols)", file, e.what(), loaded.path.string(),
                                 vocabulary.size()));
  }
}

}  // namespace recur::cli
