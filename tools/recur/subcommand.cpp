// The registry of subcommands and of the flags that name library options
// (subcommand.h); main.cpp and the flag-parser fuzzer (fuzz/) build their
// command line from it.
#include "subcommand.h"

#include <algorithm>
#include <map>

namespace recur::cli {

namespace {
struct Entry {
  std::string description;
  SubcommandSetup setup;
};
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> entries;
  return entries;
}
std::map<std::string, std::string>& flag_names() {
  static std::map<std::string, std::string> names;
  return names;
}
}  // namespace

void name_flag(const std::string& option, const std::string& flag) { flag_names()[option] = flag; }

std::string flag_for_option(const std::string& option) {
  if (auto it = flag_names().find(option); it != flag_names().end()) return it->second;
  std::string flag = "--" + option;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

bool register_subcommand(std::string name, std::string description, SubcommandSetup setup) {
  registry().emplace(std::move(name), Entry{std::move(description), std::move(setup)});
  return true;
}

std::map<CLI::App*, SubcommandRun> add_subcommands(CLI::App& app) {
  std::map<CLI::App*, SubcommandRun> runs;
  for (auto& [name, entry] : registry()) {
    CLI::App* sub = app.add_subcommand(name, entry.description);
    runs[sub] = entry.setup(*sub);
  }
  return runs;
}

SubcommandRun add_actions(CLI::App& app, const std::vector<Action>& actions) {
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, SubcommandRun>> runs;
  for (const Action& action : actions) {
    CLI::App* sub = app.add_subcommand(action.name, action.description);
    runs.emplace_back(sub, action.setup(*sub));
  }
  return [runs] {
    for (const auto& [sub, run] : runs)
      if (sub->parsed()) return run();
    return 1;
  };
}

}  // namespace recur::cli
