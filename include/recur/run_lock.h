// RunLock: one training process per run folder.
//
// Two `recur train` on one folder would overwrite each other's checkpoints.
// The first takes an exclusive flock(2) on RUN/lock and writes its pid and
// command line there; a second finds the lock taken and refuses, naming the
// first. The kernel drops the lock when the process ends, however it ends
// (kill -9 included), so a lock file left behind never blocks a later run.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace recur {

inline constexpr const char* kRunLockFile = "lock";

// The folder is in use by another process; the message names it.
struct RunFolderBusy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RunLock {
 public:
  // Creates `run_dir` if needed and locks it. Throws RunFolderBusy when
  // another process holds it, std::runtime_error when it cannot be created.
  explicit RunLock(const std::filesystem::path& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace recur
