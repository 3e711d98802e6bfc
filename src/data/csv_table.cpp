#include "recur/csv_table.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <set>

#include "recur/data_error.h"

namespace recur {

int64_t CsvTable::find_column(std::string_view name) const {
  for (size_t j = 0; j < header.size(); ++j)
    if (header[j] == name) return static_cast<int64_t>(j);
  return -1;
}

namespace {

// Splits the text into records of fields, remembering the line each record
// starts on. Width and header checks come after, once the header is known.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, const std::string& path) : text_(text), path_(path) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  // Errors in later records name columns by the header's names.
  void name_columns_by(const std::vector<std::string>& header) { header_ = &header; }

  // Next record into `fields`; false at the end of the text.
  bool next(std::vector<std::string>& fields, int64_t& start_line) {
    skip_blank_lines();
    if (at_ >= text_.size()) return false;
    fields.clear();
    start_line = line_;
    while (true) {
      fields.push_back(read_field(fields.size(), start_line));
      if (at_ >= text_.size()) return true;
      const char c = text_[at_];
      if (c == ',') {
        ++at_;
        continue;
      }
      consume_line_break();  // read_field stops only at ',', a line break or the end
      return true;
    }
  }

 private:
  void skip_blank_lines() {
    while (at_ < text_.size() && (text_[at_] == '\n' || text_[at_] == '\r')) consume_line_break();
  }

  void consume_line_break() {
    if (text_[at_] == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') ++at_;
    ++at_;
    ++line_;
  }

  static bool ends_field(char c) { return c == ',' || c == '\n' || c == '\r'; }

  std::string read_field(size_t index, int64_t start_line) {
    std::string field;
    const std::string column = column_name(index);
    if (at_ < text_.size() && text_[at_] == '"') {
      const int64_t opened_on = line_;
      ++at_;
      while (true) {
        if (at_ >= text_.size())
          throw DataError(path_, start_line, column,
                          fmt::format("the quoted field opened on row {} is never closed; add the closing '\"'", opened_on));
        const char c = text_[at_];
        if (c == '"') {
          if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
            field += '"';
            at_ += 2;
            continue;
          }
          ++at_;
          break;
        }
        if (c == '\n' || (c == '\r' && !(at_ + 1 < text_.size() && text_[at_ + 1] == '\n'))) ++line_;
        field += c;
        ++at_;
      }
      if (at_ < text_.size() && !ends_field(text_[at_]))
        throw DataError(path_, start_line, column,
                        "text after the closing quote of a quoted field; quote the whole field and double inner quotes");
      return field;
    }
    while (at_ < text_.size() && !ends_field(text_[at_])) {
      if (text_[at_] == '"')
        throw DataError(path_, start_line, column,
                        "a '\"' inside an unquoted field; quote the field and double the quote (\"\")");
      field += text_[at_++];
    }
    return field;
  }

  // The header's name once it is known, "#<1-based index>" before and past it.
  std::string column_name(size_t index) const {
    if (header_ != nullptr && index < header_->size()) return (*header_)[index];
    return fmt::format("#{}", index + 1);
  }

  const std::vector<std::string>* header_ = nullptr;
  std::string_view text_;
  const std::string& path_;
  size_t at_ = 0;
  int64_t line_ = 1;
};

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& path) {
  CsvTable table;
  table.path = path;
  CsvScanner scanner(text, path);
  int64_t header_row = 0;
  if (!scanner.next(table.header, header_row))
    throw DataError(path, 0, "", "the file is empty; a CSV file needs a header row naming its columns");

  std::set<std::string> seen;
  for (size_t j = 0; j < table.header.size(); ++j) {
    const std::string& name = table.header[j];
    if (name.empty())
      throw DataError(path, header_row, fmt::format("#{}", j + 1), "the header has an empty column name; name every column");
    if (!seen.insert(name).second)
      throw DataError(path, header_row, name, "the header names this column twice; column names must be distinct");
  }

  scanner.name_columns_by(table.header);
  std::vector<std::string> fields;
  int64_t row = 0;
  while (scanner.next(fields, row)) {
    // Names the first column missing, or the first one too many.
    if (fields.size() != table.header.size())
      throw DataError(path, row,
                      fields.size() < table.header.size() ? table.header[fields.size()]
                                                          : fmt::format("#{}", table.header.size() + 1),
                      fmt::format("{} fields where the header has {}; every row needs one field per column",
                                  fields.size(), table.header.size()));
    table.rows.push_back(fields);
    table.file_rows.push_back(row);
  }
  return table;
}

CsvTable read_csv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, 0, "", "cannot open the file for reading; check the path and its permissions");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw DataError(path, 0, "", "reading the file failed");
  return parse_csv(text, path);
}

}  // namespace recur
