// Loading a trained character model for `recur sample` and `recur eval`.
//
// The CHECKPOINT argument of both commands is either a checkpoint file or a
// run folder (find_checkpoint: its best.safetensors, else last.safetensors).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "recur/char_model.h"

namespace CLI {
class App;
}

namespace recur::cli {

// Adds the required positional CHECKPOINT argument (a file or a run folder).
void add_checkpoint_argument(CLI::App& app, std::string& target);

struct LoadedCharModel {
  std::filesystem::path path;  // the checkpoint file that was read
  CharModel model;
  nlohmann::json training;  // the checkpoint's "recur.training" ({} if none)
};

// Resolves, reads and validates a checkpoint and builds its CharModel. Every
// problem (missing, truncated or foreign file, a checkpoint of another task,
// missing or misshapen tensor) throws an exception whose message names the file.
LoadedCharModel load_char_model(const std::string& target);

// The symbols of a text file as the model's ids; a symbol the model does not
// know is a UsageError naming the file and the symbol.
std::vector<int64_t> read_text_tokens(const std::string& file, const LoadedCharModel& loaded);

}  // namespace recur::cli
