#include "recur/paired_text.h"

#include <stdexcept>

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/input_error.h"
#include "recur/text_decoding.h"
#include "recur/words.h"

namespace recur {

std::string token_unit_name(TokenUnit unit) { return unit == TokenUnit::Chars ? "char" : "word"; }

TokenUnit parse_token_unit(const std::string& name) {
  if (name == "char") return TokenUnit::Chars;
  if (name == "word") return TokenUnit::Words;
  throw std::invalid_argument("tokens must be char or word, got '" + name + "'");
}

std::vector<std::string> split_tokens(std::string_view text, TokenUnit unit) {
  if (unit == TokenUnit::Words) return split_words(text);
  std::vector<char32_t> code_points;
  if (decode_utf8(text, code_points)) throw std::invalid_argument("invalid UTF-8");
  std::vector<std::string> tokens;
  for (char32_t c : code_points) {
    tokens.emplace_back();
    append_utf8(c, tokens.back());
  }
  return tokens;
}

std::string join_tokens(const std::vector<std::string>& tokens, TokenUnit unit) {
  std::string text;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (unit == TokenUnit::Words && i > 0) text += ' ';
    text += tokens[i];
  }
  return text;
}

namespace {
// A side of only spaces is empty, even where spaces are tokens (characters).
bool blank_side(std::string_view side) { return side.find_first_not_of(" \r") == std::string_view::npos; }
}  // namespace

PairedText parse_paired_text(std::string_view bytes, const std::string& file, const PairedTextOptions& options) {
  require_content(bytes, file);
  PairedText result{file, {}};
  TextLines lines(bytes);
  TextLine line;
  while (lines.next(line)) {
    if (line.blank()) continue;
    require_utf8(line, file);
    TextPair pair;
    pair.line = line.number;
    std::string_view source = line.text;
    if (options.targets_required) {
      const TabPair fields = split_tab_pair(line, file, "source<TAB>target", true);
      source = fields.first;
      if (!blank_side(fields.second)) pair.target = split_tokens(fields.second, options.target_unit);
      if (pair.target.empty())
        throw InputError(file, line.number, column_of(line, fields.second), "empty target after the tab");
    } else if (const size_t tab = source.find('\t'); tab != std::string_view::npos) {
      source = source.substr(0, tab);
    }
    if (!blank_side(source)) pair.source = split_tokens(source, options.source_unit);
    if (pair.source.empty()) throw InputError(file, line.number, 1, "empty source: a line is source<TAB>target");
    result.pairs.push_back(std::move(pair));
  }
  return result;
}

PairedText read_paired_text(const std::string& path, const PairedTextOptions& options) {
  std::string file;
  const std::string bytes = read_input_bytes(path, file);
  return parse_paired_text(bytes, file, options);
}

}  // namespace recur
