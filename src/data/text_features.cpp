#include "recur/text_features.h"

#include <algorithm>

namespace recur {
namespace {

bool is_word_character(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') || c == U'_' || c > 127;
}

}  // namespace

std::vector<TextFeature> text_features(std::span<const char32_t> text) {
  const size_t n = text.size();
  std::vector<TextFeature> features = {{"inside quotes", {}},    {"inside brackets", {}}, {"bracket depth", {}},
                                       {"position in line", {}}, {"distance to line end", {}},
                                       {"indentation", {}},      {"after a newline", {}},  {"inside a word", {}}};
  for (auto& feature : features) feature.values.resize(n);
  // Indices into `features`, in the order above.
  enum { kQuotes, kBrackets, kDepth, kPosition, kDistance, kIndentation, kNewline, kWord };

  bool in_quote = false;
  int64_t open = 0, column = 0;
  for (size_t t = 0; t < n; ++t) {
    const char32_t c = text[t];
    if (c == U'"') in_quote = !in_quote;
    else if (c == U'\u201C') in_quote = true;
    else if (c == U'\u201D') in_quote = false;
    if (c == U'(' || c == U'[' || c == U'{') ++open;
    else if ((c == U')' || c == U']' || c == U'}') && open > 0) --open;
    column = c == U'\n' ? 0 : column + 1;
    features[kQuotes].values[t] = in_quote ? 1 : 0;
    features[kBrackets].values[t] = open > 0 ? 1 : 0;
    features[kDepth].values[t] = static_cast<double>(open);
    features[kPosition].values[t] = static_cast<double>(column);
    features[kNewline].values[t] = c == U'\n' ? 1 : 0;
    features[kWord].values[t] = is_word_character(c) ? 1 : 0;
  }
  // Look-ahead features, from the end: distance to the next newline, and the
  // indentation of each line (known once the line's blanks are read).
  size_t next_newline = n;  // the first newline after t
  for (size_t t = n; t-- > 0;) {
    features[kDistance].values[t] = static_cast<double>(next_newline - t);
    if (text[t] == U'\n') next_newline = t;
  }
  size_t line_start = 0;
  while (line_start < n) {
    size_t line_end = line_start;
    while (line_end < n && text[line_end] != U'\n') ++line_end;
    size_t blanks = 0;
    while (line_start + blanks < line_end && (text[line_start + blanks] == U' ' || text[line_start + blanks] == U'\t'))
      ++blanks;
    // The newline ends its line: it belongs to it.
    for (size_t t = line_start; t <= std::min(line_end, n - 1); ++t) features[kIndentation].values[t] = static_cast<double>(blanks);
    line_start = line_end + 1;
  }
  return features;
}

}  // namespace recur
