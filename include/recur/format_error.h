// FormatError: a file that is not what it claims to be (or not there). The
// message names the file; InputError (input_error.h) adds the line.
#pragma once

#include <stdexcept>

namespace recur {

struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace recur
