// The command line: every subcommand's flags as `recur` declares them, parsed
// by CLI11 (option callbacks and validators included) but never run, as
// tools/recur/main.cpp sets them up. The input is the arguments, one per line.
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "subcommand.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> arguments = {"recur"};
  std::string_view text = recur::fuzz::as_text(data, size);
  while (!text.empty() && arguments.size() < 64) {
    const size_t end = text.find('\n');
    arguments.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  // Built once, as main() builds it, and parsed again for each input (CLI11
  // clears the previous parse's results itself): building the ~20 commands'
  // hundreds of options took 30 ms an input under ASan, parsing takes well
  // under one. The variables the flags are bound to (owned by the commands'
  // run closures, kept alive here) keep values between inputs; only the
  // never-called run() would read them.
  static CLI::App app{"recur"};
  static const auto runs = [] {
    app.require_subcommand(1);
    return recur::cli::add_subcommands(app);
  }();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    // As main() does (the help or the error message), into a discarded stream.
    // Nothing else may escape a parse: main catches only this around
    // app.parse, so any other exception is a crash.
    std::ostringstream discarded;
    (void)app.exit(e, discarded, discarded);
  }
  return 0;
}
