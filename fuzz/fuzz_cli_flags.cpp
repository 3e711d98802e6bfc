// The command line: every subcommand's flags as `recur` declares them, parsed
// by CLI11 (option callbacks and validators included) but never run. The
// input is the arguments, one per line.
#include <exception>
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
  CLI::App app{"recur"};
  app.require_subcommand(1);
  (void)recur::cli::add_subcommands(app);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
  } catch (const recur::cli::UsageError&) {
  }
  return 0;
}
