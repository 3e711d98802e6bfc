#include "recur/words.h"

#include "recur/text_decoding.h"

namespace recur {

bool is_word_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_word_space(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_word_space(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

char32_t lowercase_code_point(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  // Latin-1: À..Þ except × (U+00D7).
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  // Latin Extended-A: upper/lower pairs, even/odd from U+0100 to U+0137 and
  // U+014A to U+0177, odd/even from U+0139 to U+0148 and U+0179 to U+017E.
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return (c % 2 == 0) ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
  if (c == 0x178) return 0xFF;  // Ÿ
  // Greek: Ά Έ Ή Ί, Ό Ύ Ώ, and Α..Ω (U+03A2 is unassigned).
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  // Cyrillic: Ѐ..Џ, А..Я.
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  return c;
}

std::string lowercase_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  std::vector<char32_t> one;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {  // the common case, without decoding
      out += static_cast<char>((lead >= 'A' && lead <= 'Z') ? lead + 32 : lead);
      ++i;
      continue;
    }
    const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    const std::string_view sequence = text.substr(i, length);
    one.clear();
    const bool valid = sequence.size() == length && !decode_utf8(sequence, one) && one.size() == 1;
    if (valid) {
      append_utf8(lowercase_code_point(one[0]), out);
      i += length;
    } else {
      out += text[i];  // not valid UTF-8: the byte as it is
      ++i;
    }
  }
  return out;
}

}  // namespace recur
