// Text decoding: the two ways recur reads text — as Unicode code points from
// strict UTF-8, or as raw bytes — and UTF-8 encoding for the way back out.
//
// A "symbol" is a code point in code-point mode and a byte value (0..255) in
// byte mode; corpora and vocabularies hold symbols as char32_t either way.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class TextUnit {
  CodePoint,  // the text is UTF-8; each Unicode code point is one symbol
  Byte,       // each byte is one symbol; no decoding, any byte sequence is accepted
};

// "codepoint" / "byte" (and back; throws std::invalid_argument on other names).
std::string text_unit_name(TextUnit unit);
TextUnit parse_text_unit(const std::string& name);

// Where and why a byte sequence is not valid UTF-8.
struct Utf8Error {
  size_t offset = 0;   // byte offset of the first byte of the bad sequence
  std::string reason;  // e.g. "invalid continuation byte 0x41"
};

// Strict UTF-8 (RFC 3629): rejects overlong forms, surrogates, code points
// above U+10FFFF and truncated sequences, as Python's decoder does. Appends
// the code points to `out` and returns the first error, if any (`out` then
// holds the code points before it).
std::optional<Utf8Error> decode_utf8(std::string_view bytes, std::vector<char32_t>& out);

// Appends the UTF-8 encoding of one code point (throws on a surrogate or > U+10FFFF).
void append_utf8(char32_t code_point, std::string& out);

// Symbols of `bytes` in the given unit; on invalid UTF-8 throws
// std::runtime_error "<source>: invalid UTF-8 at byte offset N (...)".
std::vector<char32_t> decode_text(std::string_view bytes, TextUnit unit, const std::string& source);

// "'a' (U+0061)", "'\n' (U+000A)", "byte 0xC3": how errors name one symbol.
std::string describe_symbol(char32_t symbol, TextUnit unit);

}  // namespace recur
