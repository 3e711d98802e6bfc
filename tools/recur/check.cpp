// recur check FILE...: runs PyTorch reference cases (docs/reference-format.md)
// and reports, per file, the error of every tensor and PASS or FAIL.
//
// A malformed file is reported and the remaining files are still checked, so
// one bad fixture does not hide the state of the others. Exit status 0 only if
// every file loaded and every tensor is within its precision's tolerance.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "recur/reference_case.h"
#include "subcommand.h"

namespace recur::cli {
namespace {

std::string describe_case(const ReferenceResult& result) {
  const RecurrentOptions& o = result.config.options;
  return fmt::format("{}, {} layer{}, {}{}, T={} B={} I={} H={}, {} lengths, {}", cell_name(o.cell), o.num_layers,
                     o.num_layers == 1 ? "" : "s", o.bidirectional ? "bidirectional" : "unidirectional",
                     o.bias ? "" : ", no bias", result.config.seq_len, result.config.batch, o.input_size,
                     o.hidden_size, result.variable_lengths ? "variable" : "equal",
                     result.double_precision ? "F64" : "F32");
}

// Checks one file and prints its report; returns whether it passed.
bool check_file(const std::string& path, bool quiet) {
  ReferenceResult result;
  try {
    result = run_reference_case(path);
  } catch (const std::exception& e) {
    // e.what() names the file already.
    fmt::print("{}\n  ERROR: {}\n  FAIL\n", path, e.what());
    return false;
  }
  if (!quiet) {
    fmt::print("{}: {}\n", path, describe_case(result));
    for (const TensorComparison& c : result.comparisons)
      fmt::print("  {:<28} max rel err {:.2e}  (max abs {:.2e}){}\n", c.name, c.max_relative_error,
                 c.max_absolute_error, c.max_relative_error <= result.tolerance ? "" : "  <-- exceeds tolerance");
  }
  fmt::print("{}{}  worst {:.2e}, tolerance {:.0e}\n", quiet ? path + "  " : "  ", result.passed() ? "PASS" : "FAIL",
             result.worst_error(), result.tolerance);
  return result.passed();
}

int run_check(const std::vector<std::string>& files, bool quiet) {
  int failed = 0;
  for (const std::string& path : files)
    if (!check_file(path, quiet)) ++failed;
  fmt::print("{} case{}: {} passed, {} failed\n", files.size(), files.size() == 1 ? "" : "s",
             static_cast<int>(files.size()) - failed, failed);
  std::fflush(stdout);
  return failed == 0 ? 0 : 1;
}

const bool check_registered = register_subcommand(
    "check", "Compare recur against PyTorch reference cases (safetensors files from scripts/make_reference.py)",
    [](CLI::App& app) {
      auto files = std::make_shared<std::vector<std::string>>();
      auto quiet = std::make_shared<bool>(false);
      app.add_option("files", *files, "Reference case files (.safetensors)")->required();
      app.add_flag("-q,--quiet", *quiet, "Print one line per file instead of one per tensor");
      return [files, quiet] { return run_check(*files, *quiet); };
    });

}  // namespace
}  // namespace recur::cli
