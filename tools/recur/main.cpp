// recur: the command-line front end. Parses flags and dispatches to the
// subcommands, which call the library; every failure becomes a one-line message
// and a non-zero exit, never a crash.
#include <algorithm>
#include <exception>
#include <iostream>
#include <map>
#include <memory>

#include "recur/option_error.h"
#include "subcommand.h"

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

}  // namespace recur::cli

int main(int argc, char** argv) {
  using namespace recur::cli;
  CLI::App app{"recur: recurrent neural networks (RNN, LSTM, GRU) on the CPU"};
  app.require_subcommand(1);
  std::map<CLI::App*, SubcommandRun> runs;
  for (auto& [name, entry] : registry()) {
    CLI::App* sub = app.add_subcommand(name, entry.description);
    runs[sub] = entry.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto& [sub, run] : runs)
      if (sub->parsed()) return run();
  } catch (const recur::OptionError& e) {
    // The library names its options; the user typed flags.
    std::string flags;
    for (const std::string& option : e.options) flags += (flags.empty() ? "" : ", ") + flag_for_option(option);
    std::cerr << "recur: " << flags << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "recur: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
