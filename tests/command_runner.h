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

// Debian's PyTorch runs under this interpreter; the python3 first on PATH may
// be another one that cannot see Debian's packages.
inline constexpr const char* kPython = "/usr/bin/python3";

// Empty when kPython imports torch; else why not, for a test to skip with.
inline std::string torch_unavailable() {
  const CommandResult probe = run_command(std::string(kPython) + " -c 'import torch'");
  if (probe.exit_code == 0) return "";
  return std::string(kPython) + " cannot import torch, so the PyTorch side cannot run (install python3-torch: " +
         "bash scripts/setup.sh --tests):\n" + probe.output;
}

// `/usr/bin/python3 scripts/SCRIPT ARGUMENTS` of this source tree; ARGUMENTS already quoted for the shell.
inline CommandResult run_project_script(const std::string& script, const std::string& arguments) {
  return run_command(std::string(kPython) + " " + quoted(std::string(RECUR_SOURCE_DIR) + "/scripts/" + script) + " " +
                     arguments);
}

// `recur ARGS` with the binary this build made.
inline CommandResult run_recur(const std::string& arguments) {
  return run_command(std::string(RECUR_BINARY) + " " + arguments);
}

}  // namespace recur::testing
