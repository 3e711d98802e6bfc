#include "data/text_lines.h"

#include <vector>

#include <fmt/format.h>

#include "recur/input_error.h"
#include "recur/text_decoding.h"

namespace recur {

bool TextLine::blank() const { return text.find_first_not_of(" \t") == std::string_view::npos; }

bool TextLines::next(TextLine& line) {
  if (position_ >= bytes_.size()) return false;
  size_t end = bytes_.find('\n', position_);
  if (end == std::string_view::npos) end = bytes_.size();
  std::string_view text = bytes_.substr(position_, end - position_);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  line.text = text;
  line.number = ++number_;
  line.offset = position_;
  position_ = end + 1;
  return true;
}

std::vector<std::string_view> split_tabs(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = text.find('\t', start);
    if (tab == std::string_view::npos) break;
    fields.push_back(text.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(text.substr(start));
  return fields;
}

TabPair split_tab_pair(const TextLine& line, const std::string& file, std::string_view layout, bool second_required) {
  const std::vector<std::string_view> fields = split_tabs(line.text);
  if (fields.size() > 2)
    throw InputError(file, line.number, column_of(line, fields[2]) - 1,
                     fmt::format("a second tab: a line is {}, and neither may hold a tab", layout));
  if (fields.size() == 1 && second_required) throw InputError(file, line.number, fmt::format("no tab: a line is {}", layout));
  return {fields[0], fields.size() == 2 ? fields[1] : std::string_view(), fields.size() == 2};
}

void require_content(std::string_view bytes, const std::string& file) {
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw InputError(file, 0, bytes.empty() ? "file is empty" : "file has only blank lines");
}

void require_utf8(const TextLine& line, const std::string& file) {
  thread_local std::vector<char32_t> ignored;  // reused: one allocation for a whole file
  ignored.clear();
  if (const auto error = decode_utf8(line.text, ignored))
    throw InputError(file, line.number, static_cast<int64_t>(error->offset) + 1, "invalid UTF-8 (" + error->reason + ")");
}

}  // namespace recur
