// recur: the command-line front end. Parses flags and dispatches to the
// subcommands, which call the library; every failure becomes a one-line message
// and a non-zero exit, never a crash.
#include <csignal>
#include <exception>
#include <iostream>
#include <map>
#include <memory>

#include "recur/option_error.h"
#include "subcommand.h"

int main(int argc, char** argv) {
  using namespace recur::cli;
  // A file-size limit (ulimit -f) then fails the write with EFBIG, which the
  // writer reports naming the file, instead of killing the process mid-run.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"recur: recurrent neural networks (RNN, LSTM, GRU) on the CPU"};
  app.require_subcommand(1);
  std::map<CLI::App*, SubcommandRun> runs = add_subcommands(app);
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
