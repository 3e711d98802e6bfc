#include "model_loading.h"

#include "subcommand.h"

namespace recur::cli {

void add_checkpoint_argument(CLI::App& app, std::string& target) {
  app.add_option("checkpoint", target, "Checkpoint file, or a run folder (its best.safetensors, else last.safetensors)")
      ->required();
}

namespace fs = std::filesystem;

fs::path resolve_checkpoint(const std::string& target) {
  const fs::path path(target);
  std::error_code error;
  if (fs::is_directory(path, error)) {
    for (const char* name : {"best.safetensors", "last.safetensors"})
      if (fs::is_regular_file(path / name, error)) return path / name;
    throw UsageError(target + " is a folder without best.safetensors or last.safetensors (is it a run folder of "
                              "`recur train`, and has the run saved a checkpoint yet?)");
  }
  if (!fs::exists(path, error))
    throw UsageError(target + " does not exist (expected a checkpoint .safetensors file or a run folder)");
  return path;
}

LoadedCharModel load_char_model(const std::string& target) {
  LoadedCharModel loaded;
  loaded.path = resolve_checkpoint(target);
  Checkpoint checkpoint = load_checkpoint(loaded.path);
  loaded.model = CharModel::from_checkpoint(checkpoint);
  loaded.training = std::move(checkpoint.training);
  return loaded;
}

}  // namespace recur::cli
