// InputError: a data file with something wrong at a known place. The message
// is one line in the compiler's style, "FILE:LINE: what is wrong" or
// "FILE:LINE:COLUMN: ..." (lines and columns from 1; a column is a byte
// offset in the line, or a field number where the message says "field"), so
// that editors and terminals can jump to it.
#pragma once

#include <cstdint>
#include <string>

#include "recur/format_error.h"

namespace recur {

// "FILE:LINE" or "FILE:LINE:COLUMN"; line 0 leaves the line out, column 0 the column.
std::string source_position(const std::string& file, int64_t line, int64_t column = 0);

struct InputError : FormatError {
  InputError(std::string file, int64_t line, int64_t column, const std::string& what);
  InputError(std::string file, int64_t line, const std::string& what) : InputError(std::move(file), line, 0, what) {}

  std::string file;
  int64_t line = 0;
  int64_t column = 0;
};

}  // namespace recur
