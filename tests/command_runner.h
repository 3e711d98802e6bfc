// Runs the recur binary (or any command) for the CLI tests: exit code and the
// merged stdout/stderr.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace recur::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// `text` as one word for the shell.
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `recur ARGS` with the binary this build made.
inline CommandResult run_recur(const std::string& arguments) {
  return run_command(std::string(RECUR_BINARY) + " " + arguments);
}

}  // namespace recur::testing
