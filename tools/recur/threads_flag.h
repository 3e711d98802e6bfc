// --threads, the same for every subcommand: declared, checked and applied here.
#pragma once

#include "subcommand.h"

namespace recur::cli {

inline constexpr int kMaxThreads = 1024;

CLI::Option* add_threads_flag(CLI::App& app, int& threads);
// Throws UsageError unless 0 <= threads <= kMaxThreads, then sets the thread count (0: all cores).
void apply_threads(int threads);

}  // namespace recur::cli
