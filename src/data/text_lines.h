// TextLines: the lines of a data file in memory, numbered from 1, for the
// line-oriented readers (TSV, CoNLL-U, JSONL). A line's text excludes its
// "\n" and a "\r" before it (files written on Windows read the same); its
// offset is where it starts in the file, for writers that copy bytes back.
// Also the checks every reader shares: valid UTF-8 and a non-empty file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

struct TextLine {
  std::string_view text;  // without the line terminator
  int64_t number = 0;     // from 1
  size_t offset = 0;      // of text[0] in the file
  bool blank() const;     // empty or only spaces and tabs
};

class TextLines {
 public:
  explicit TextLines(std::string_view bytes) : bytes_(bytes) {}
  // The next line; false after the last one (a final "\n" does not start an empty line).
  bool next(TextLine& line);

 private:
  std::string_view bytes_;
  size_t position_ = 0;
  int64_t number_ = 0;
};

// The fields of a line between tabs ("a\tb\t" -> "a", "b", "").
std::vector<std::string_view> split_tabs(std::string_view text);
// 1-based byte column of `field` (a view into line.text) in its line.
inline int64_t column_of(const TextLine& line, std::string_view field) {
  return static_cast<int64_t>(field.data() - line.text.data()) + 1;
}

// A two-field TSV line, "first<TAB>second" (`layout` names them in errors, as
// "text<TAB>label"). A second tab is an error at its column; a missing tab
// is an error when `second_required`, else `second` is empty. `first` and
// `second` are views into line.text.
struct TabPair {
  std::string_view first;
  std::string_view second;
  bool has_second = false;
};
TabPair split_tab_pair(const TextLine& line, const std::string& file, std::string_view layout, bool second_required);

// Throws InputError "<file>: file is empty" when `bytes` is empty or only whitespace.
void require_content(std::string_view bytes, const std::string& file);
// Throws InputError "<file>:<line>:<column>: invalid UTF-8 (...)" naming the byte column.
void require_utf8(const TextLine& line, const std::string& file);

}  // namespace recur
