// Words: how recur cuts text into words and normalises them.
//
// Words are the runs of non-whitespace between ASCII whitespace (space, tab,
// newline, CR, form feed, vertical tab), as Python's str.split() does for
// ASCII text; nothing else is split off (tokenise punctuation beforehand, as
// SST-2 and the UD treebanks already are).
//
// Lowercasing (--lowercase) maps each code point by Unicode's simple case
// mapping for the scripts covered here: ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic; other code points and bytes that are not valid UTF-8
// stay as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace recur {

std::vector<std::string> split_words(std::string_view text);
bool is_word_space(char c);

char32_t lowercase_code_point(char32_t c);
std::string lowercase_utf8(std::string_view text);

}  // namespace recur
