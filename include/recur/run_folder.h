// A run folder, as every task's `train` writes it:
//
//   RUN/last.safetensors   where the run stands (what --resume continues)
//   RUN/best.safetensors   the lowest validation loss so far (what eval, predict and sample use)
//   RUN/log.csv            one row per logged iteration
//   RUN/lock               held by the training process while it runs (run_lock.h)
//
// Commands take either a run folder or a checkpoint file; this is the one
// place that turns such a target into a checkpoint file.
#pragma once

#include <filesystem>
#include <string>

namespace recur {

inline constexpr const char* kLastCheckpoint = "last.safetensors";
inline constexpr const char* kBestCheckpoint = "best.safetensors";

enum class CheckpointPick {
  Last,          // resuming: the run's latest state
  BestElseLast,  // evaluating: the best model, or the latest before any validation
};

// The checkpoint file `target` names: the file itself, or the picked file of a
// run folder. Throws std::invalid_argument naming `target` when it does not
// exist or the folder holds no such checkpoint.
std::filesystem::path find_checkpoint(const std::string& target, CheckpointPick pick);

// Throws std::invalid_argument when `run_dir` already holds a run, so that a
// fresh run never overwrites one (it should be resumed or given another folder).
void refuse_existing_run(const std::filesystem::path& run_dir);

}  // namespace recur
