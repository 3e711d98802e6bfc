// recur: the command-line front end. Parses flags and dispatches to the
// subcommands, which call the library; every failure becomes a one-line message
// and a non-zero exit, never a crash.
#include <exception>
#include <iostream>
#include <map>
#include <memory>

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
}  // namespace

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
  } catch (const std::exception& e) {
    std::cerr << "recur: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
