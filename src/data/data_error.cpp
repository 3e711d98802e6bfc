#include "recur/data_error.h"

#include <fmt/format.h>

namespace recur {

namespace {

std::string located_message(const std::string& file, int64_t row, const std::string& column, const std::string& what) {
  std::string where = file;
  if (row > 0) where += fmt::format(": row {}", row);
  if (!column.empty()) where += fmt::format("{} column '{}'", row > 0 ? "," : ":", column);
  return where + ": " + what;
}

}  // namespace

DataError::DataError(std::string file_, int64_t row_, std::string column_, const std::string& what)
    : std::runtime_error(located_message(file_, row_, column_, what)),
      file(std::move(file_)),
      row(row_),
      column(std::move(column_)) {}

}  // namespace recur
