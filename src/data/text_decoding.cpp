#include "recur/text_decoding.h"

#include <fmt/format.h>

#include <stdexcept>

namespace recur {

std::string text_unit_name(TextUnit unit) { return unit == TextUnit::Byte ? "byte" : "codepoint"; }

TextUnit parse_text_unit(const std::string& name) {
  if (name == "codepoint") return TextUnit::CodePoint;
  if (name == "byte") return TextUnit::Byte;
  throw std::invalid_argument("unknown text unit '" + name + "' (expected codepoint or byte)");
}

namespace {

// The valid range of the second byte depends on the lead byte: that is how
// UTF-8 excludes overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4).
struct LeadByte {
  int length = 0;  // 0: not a valid lead byte
  unsigned char second_min = 0x80, second_max = 0xBF;
  char32_t payload = 0;
};

LeadByte classify_lead(unsigned char b) {
  if (b < 0x80) return {1, 0, 0, b};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF, char32_t(b & 0x1F)};
  if (b == 0xE0) return {3, 0xA0, 0xBF, 0};
  if (b == 0xED) return {3, 0x80, 0x9F, char32_t(b & 0x0F)};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF, char32_t(b & 0x0F)};
  if (b == 0xF0) return {4, 0x90, 0xBF, 0};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF, char32_t(b & 0x07)};
  if (b == 0xF4) return {4, 0x80, 0x8F, 4};
  return {};
}

std::string lead_byte_reason(unsigned char b) {
  if (b >= 0x80 && b <= 0xBF) return fmt::format("unexpected continuation byte 0x{:02X}", b);
  if (b == 0xC0 || b == 0xC1) return fmt::format("invalid start byte 0x{:02X} (overlong encoding)", b);
  return fmt::format("invalid start byte 0x{:02X}", b);
}

std::string second_byte_reason(unsigned char lead, unsigned char b) {
  if (b >= 0x80 && b <= 0xBF) {
    if (lead == 0xE0 || lead == 0xF0) return fmt::format("overlong encoding 0x{:02X} 0x{:02X}", lead, b);
    if (lead == 0xED) return fmt::format("encoded surrogate 0x{:02X} 0x{:02X}", lead, b);
    if (lead == 0xF4) return fmt::format("code point above U+10FFFF (0x{:02X} 0x{:02X})", lead, b);
  }
  return fmt::format("invalid continuation byte 0x{:02X} after 0x{:02X}", b, lead);
}

}  // namespace

std::optional<Utf8Error> decode_utf8(std::string_view bytes, std::vector<char32_t>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  out.reserve(out.size() + n);
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {  // the common case: ASCII
      out.push_back(p[i++]);
      continue;
    }
    const LeadByte lead = classify_lead(p[i]);
    if (lead.length == 0) return Utf8Error{i, lead_byte_reason(p[i])};
    char32_t code_point = lead.payload;
    for (int k = 1; k < lead.length; ++k) {
      if (i + k >= n) return Utf8Error{i, fmt::format("sequence starting with 0x{:02X} truncated at the end", p[i])};
      const unsigned char b = p[i + k];
      const unsigned char min = k == 1 ? lead.second_min : 0x80;
      const unsigned char max = k == 1 ? lead.second_max : 0xBF;
      if (b < min || b > max)
        return Utf8Error{i, k == 1 ? second_byte_reason(p[i], b)
                                   : fmt::format("invalid continuation byte 0x{:02X} after 0x{:02X}", b, p[i])};
      code_point = (code_point << 6) | (b & 0x3F);
    }
    out.push_back(code_point);
    i += static_cast<size_t>(lead.length);
  }
  return std::nullopt;
}

void append_utf8(char32_t c, std::string& out) {
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
    throw std::invalid_argument(fmt::format("cannot encode U+{:04X} as UTF-8", static_cast<uint32_t>(c)));
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<char32_t> decode_text(std::string_view bytes, TextUnit unit, const std::string& source) {
  std::vector<char32_t> symbols;
  if (unit == TextUnit::Byte) {
    symbols.reserve(bytes.size());
    for (char b : bytes) symbols.push_back(static_cast<unsigned char>(b));
    return symbols;
  }
  if (auto error = decode_utf8(bytes, symbols))
    throw std::runtime_error(fmt::format("{}: invalid UTF-8 at byte offset {} ({}); convert it to UTF-8 or read it as bytes (--bytes)",
                                         source, error->offset, error->reason));
  return symbols;
}

std::string describe_symbol(char32_t symbol, TextUnit unit) {
  const auto value = static_cast<uint32_t>(symbol);
  if (unit == TextUnit::Byte) return fmt::format("byte 0x{:02X}", value);
  std::string shown;
  switch (symbol) {
    case U'\n': shown = "\\n"; break;
    case U'\t': shown = "\\t"; break;
    case U'\r': shown = "\\r"; break;
    default:
      // Control characters and unencodable values are shown by number only.
      if (symbol < 0x20 || symbol == 0x7F || (symbol >= 0x80 && symbol < 0xA0) || (symbol >= 0xD800 && symbol <= 0xDFFF) ||
          symbol > 0x10FFFF)
        return fmt::format("U+{:04X}", value);
      append_utf8(symbol, shown);
  }
  return fmt::format("'{}' (U+{:04X})", shown, value);
}

}  // namespace recur
