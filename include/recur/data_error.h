// DataError: a bad input file, located. The message is one line,
//   "<file>: row <row>, column '<name>': <what is wrong and how to fix it>"
// where rows are counted as a spreadsheet shows them: the header is row 1, the
// first data record row 2 (a record whose quoted field spans several lines is
// named by the line it starts on). Row 0 and an empty column name mean the
// error is about the whole file or the whole row, and the message leaves that
// part out. The fields are kept apart so that callers and tests need not parse
// the message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace recur {

struct DataError : std::runtime_error {
  DataError(std::string file, int64_t row, std::string column, const std::string& what);

  std::string file;
  int64_t row = 0;
  std::string column;
};

}  // namespace recur
