// CsvTable: a CSV file as a header and rows of string cells, nothing typed.
//
// RFC 4180: fields separated by ',', records by CRLF or LF (a lone CR too);
// a field in double quotes may hold commas, line breaks and doubled quotes
// ("" is one "). The first record is the header; its names must be distinct
// and non-empty, and every record must have as many fields as the header. A
// UTF-8 byte-order mark is skipped; a final line break is optional; blank
// lines (no characters at all) are skipped, since editors leave them at the
// end. Cells are kept exactly as written, quotes removed, no trimming: typing
// them is the caller's business (time_series.h), which is also why a fuzz
// harness can drive this reader alone.
//
// Errors are DataError (data_error.h) naming the file, the row (header = row 1,
// as a spreadsheet counts) and the column: a duplicate or empty header name, a
// record of another width, a quote inside an unquoted field, text after a
// closing quote, a quoted field never closed, an empty file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

struct CsvTable {
  std::string path;  // names the file in error messages
  std::vector<std::string> header;
  // rows[i][j]: record i (after the header), column j; every row has header.size() cells.
  std::vector<std::vector<std::string>> rows;
  // The file row (spreadsheet numbering, header = 1) each record starts on.
  std::vector<int64_t> file_rows;

  int64_t columns() const { return static_cast<int64_t>(header.size()); }
  int64_t size() const { return static_cast<int64_t>(rows.size()); }
  // Index of a header name, or -1.
  int64_t find_column(std::string_view name) const;
};

// Parses CSV text; `path` only names the source in errors.
CsvTable parse_csv(std::string_view text, const std::string& path);
// Reads and parses a file; an unreadable file is a DataError naming it.
CsvTable read_csv_file(const std::string& path);

}  // namespace recur
