#include "threads_flag.h"

#include <fmt/format.h>

#include "recur/gemm.h"

namespace recur::cli {

CLI::Option* add_threads_flag(CLI::App& app, int& threads) {
  return app.add_option("--threads", threads, "Threads (0: all cores)")->capture_default_str();
}

void apply_threads(int threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw UsageError(fmt::format("--threads must be in [0, {}], got {}", kMaxThreads, threads));
  set_num_threads(threads);
}

}  // namespace recur::cli
