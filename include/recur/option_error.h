// OptionError: a library option that is out of range or does not fit the
// others. The library names its options by their own names (`max_iterations`,
// `top_k`, `lr_decay`); only a front end knows what a user typed to set one
// (the CLI's `--max-iters`), so `options` lists the names at fault and the
// front end puts its own words for them in front of the message.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace recur {

struct OptionError : std::invalid_argument {
  OptionError(std::string option, const std::string& message)
      : std::invalid_argument(message), options{std::move(option)} {}
  OptionError(std::vector<std::string> options_at_fault, const std::string& message)
      : std::invalid_argument(message), options(std::move(options_at_fault)) {}
  std::vector<std::string> options;  // library names, the first the main one
};

}  // namespace recur
