// Each subcommand lives in its own file and registers itself here, so that
// main.cpp only parses flags and dispatches: the CLI holds no logic of its own.
//
//   const bool check_registered = recur::cli::register_subcommand(
//       "check", "Compare recur against PyTorch reference cases",
//       [](CLI::App& app) {  // declare flags; return what runs after parsing
//         auto files = std::make_shared<std::vector<std::string>>();
//         app.add_option("files", *files)->required();
//         return [files] { return run_check(*files); };   // exit code
//       });
//
// The flag's name carries the file's name: the quick start compiles the
// command's files together (a unity build), where two `registered` would clash.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace recur::cli {

using SubcommandRun = std::function<int()>;
using SubcommandSetup = std::function<SubcommandRun(CLI::App&)>;

bool register_subcommand(std::string name, std::string description, SubcommandSetup setup);
// Adds every registered subcommand to `app`, with its flags; returns what
// each runs once parsed.
std::map<CLI::App*, SubcommandRun> add_subcommands(CLI::App& app);

// One action of a command that has several (classify train | eval | predict).
struct Action {
  std::string name, description;
  SubcommandSetup setup;
};
// Adds each action as a subcommand of `app`, requires exactly one, and
// returns what runs the one given.
SubcommandRun add_actions(CLI::App& app, const std::vector<Action>& actions);

// The flag that sets a library option (OptionError names options by the
// library's names): "--" and the name with dashes ("top_k" -> "--top-k"),
// unless a flag declared another name for it with name_flag.
void name_flag(const std::string& option, const std::string& flag);
std::string flag_for_option(const std::string& option);

// A user-facing failure: main prints "recur: <message>" and exits with status 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace recur::cli
