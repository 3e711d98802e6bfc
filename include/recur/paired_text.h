// PairedText: the data of `recur seq2seq`, TSV lines "source<TAB>target",
// each side cut into tokens: characters (Unicode code points, spaces kept as
// tokens) or words (words.h). Blank lines are skipped.
//
// Errors (InputError, "FILE:LINE:COLUMN: ..."): a line without a tab (when
// targets are required), a second tab, an empty source or target, invalid
// UTF-8, a file with no pairs. For translation input (targets not required) a
// line is the source alone; text after a tab is ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class TokenUnit { Chars, Words };
std::string token_unit_name(TokenUnit unit);        // "char" | "word"
TokenUnit parse_token_unit(const std::string& name);  // throws std::invalid_argument

std::vector<std::string> split_tokens(std::string_view text, TokenUnit unit);
// Back to text: characters concatenated, words joined by single spaces.
std::string join_tokens(const std::vector<std::string>& tokens, TokenUnit unit);

struct TextPair {
  std::vector<std::string> source, target;  // target empty for translation input
  int64_t line = 0;
};

struct PairedText {
  std::string file;
  std::vector<TextPair> pairs;
};

struct PairedTextOptions {
  TokenUnit source_unit = TokenUnit::Chars;
  TokenUnit target_unit = TokenUnit::Chars;
  bool targets_required = true;
};

PairedText parse_paired_text(std::string_view bytes, const std::string& file, const PairedTextOptions& options);
// "-" reads standard input.
PairedText read_paired_text(const std::string& path, const PairedTextOptions& options);

}  // namespace recur
