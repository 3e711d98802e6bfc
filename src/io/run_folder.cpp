#include "recur/run_folder.h"

#include <stdexcept>

namespace recur {

namespace fs = std::filesystem;

fs::path find_checkpoint(const std::string& target, CheckpointPick pick) {
  const fs::path path(target);
  std::error_code error;
  if (fs::is_directory(path, error)) {
    if (pick == CheckpointPick::BestElseLast && fs::is_regular_file(path / kBestCheckpoint, error))
      return path / kBestCheckpoint;
    if (fs::is_regular_file(path / kLastCheckpoint, error)) return path / kLastCheckpoint;
    throw std::invalid_argument(
        target + " is a folder without " +
        (pick == CheckpointPick::Last ? std::string(kLastCheckpoint)
                                      : std::string(kBestCheckpoint) + " or " + kLastCheckpoint) +
        " (is it a run folder of `recur train`, and has the run saved a checkpoint yet?)");
  }
  if (!fs::exists(path, error))
    throw std::invalid_argument(target + " does not exist (expected a checkpoint .safetensors file or a run folder)");
  return path;
}

void refuse_existing_run(const fs::path& run_dir) {
  std::error_code error;
  if (fs::exists(run_dir / kLastCheckpoint, error))
    throw std::invalid_argument(run_dir.string() + " already holds a checkpoint; continue it with --resume " +
                                run_dir.string() + " or choose another run folder");
}

}  // namespace recur
