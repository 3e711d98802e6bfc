#include "recur/input_error.h"

#include <fmt/format.h>

namespace recur {

std::string source_position(const std::string& file, int64_t line, int64_t column) {
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

InputError::InputError(std::string file_, int64_t line_, int64_t column_, const std::string& what)
    : FormatError(source_position(file_, line_, column_) + ": " + what),
      file(std::move(file_)),
      line(line_),
      column(column_) {}

}  // namespace recur
