#include "model_loading.h"

#include "recur/run_folder.h"
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

}  // namespace recur::cli
