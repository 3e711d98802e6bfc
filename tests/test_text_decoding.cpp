// UTF-8 decoding: strict (as Python's decoder), with the offset of the bad sequence.
#include <gtest/gtest.h>

#include <stdexcept>

#include "recur/text_decoding.h"

namespace recur {
namespace {

std::optional<Utf8Error> decode(std::string_view bytes, std::vector<char32_t>* out = nullptr) {
  std::vector<char32_t> symbols;
  auto error = decode_utf8(bytes, symbols);
  if (out) *out = symbols;
  return error;
}

TEST(TextDecoding, DecodesEveryEncodingLength) {
  std::vector<char32_t> symbols;
  EXPECT_FALSE(decode("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", &symbols));  // a é € 😀
  EXPECT_EQ(symbols, (std::vector<char32_t>{U'a', 0xE9, 0x20AC, 0x1F600}));
}

TEST(TextDecoding, EncodeRoundTrips) {
  std::string text;
  for (char32_t c : {char32_t(0x24), char32_t(0xA3), char32_t(0x939), char32_t(0xFFFD), char32_t(0x10348), char32_t(0x10FFFF)})
    append_utf8(c, text);
  std::vector<char32_t> symbols;
  EXPECT_FALSE(decode(text, &symbols));
  EXPECT_EQ(symbols, (std::vector<char32_t>{0x24, 0xA3, 0x939, 0xFFFD, 0x10348, 0x10FFFF}));
  std::string bad;
  EXPECT_THROW(append_utf8(0xD800, bad), std::invalid_argument);
  EXPECT_THROW(append_utf8(0x110000, bad), std::invalid_argument);
}

TEST(TextDecoding, ReportsOffsetOfTheBadSequence) {
  struct Case {
    std::string bytes;
    size_t offset;
    std::string reason_part;
  };
  const Case cases[] = {
      {"ab\xFF", 2, "invalid start byte 0xFF"},
      {"ab\x80z", 2, "unexpected continuation byte"},
      {"x\xC3(", 1, "invalid continuation byte 0x28"},
      {"xy\xC0\xAF", 2, "overlong"},
      {"\xE0\x80\xAF", 0, "overlong"},
      {"\xF0\x80\x80\xAF", 0, "overlong"},
      {"ok\xED\xA0\x80", 2, "surrogate"},
      {"\xF4\x90\x80\x80", 0, "above U+10FFFF"},
      {"\xF5\x80\x80\x80", 0, "invalid start byte"},
      {"abc\xE2\x82", 3, "truncated"},
      {"\xE2\x82\xAC\xE2\x28\xAC", 3, "invalid continuation byte 0x28"},
  };
  for (const Case& c : cases) {
    const auto error = decode(c.bytes);
    ASSERT_TRUE(error) << c.reason_part;
    EXPECT_EQ(error->offset, c.offset) << c.reason_part;
    EXPECT_NE(error->reason.find(c.reason_part), std::string::npos) << error->reason;
  }
}

TEST(TextDecoding, DecodeTextNamesSourceAndOffset) {
  try {
    decode_text("hello\xFFworld", TextUnit::CodePoint, "notes.txt");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt: invalid UTF-8 at byte offset 5"), std::string::npos) << e.what();
  }
  // Byte mode takes any bytes.
  EXPECT_EQ(decode_text("a\xFF", TextUnit::Byte, "x"), (std::vector<char32_t>{U'a', 0xFF}));
}

TEST(TextDecoding, DescribesSymbols) {
  EXPECT_EQ(describe_symbol(U'a', TextUnit::CodePoint), "'a' (U+0061)");
  EXPECT_EQ(describe_symbol(U'\n', TextUnit::CodePoint), "'\\n' (U+000A)");
  EXPECT_EQ(describe_symbol(0xE9, TextUnit::CodePoint), "'\xC3\xA9' (U+00E9)");
  EXPECT_EQ(describe_symbol(0x07, TextUnit::CodePoint), "U+0007");
  EXPECT_EQ(describe_symbol(0xC3, TextUnit::Byte), "byte 0xC3");
}

TEST(TextDecoding, UnitNames) {
  EXPECT_EQ(parse_text_unit(text_unit_name(TextUnit::Byte)), TextUnit::Byte);
  EXPECT_EQ(parse_text_unit(text_unit_name(TextUnit::CodePoint)), TextUnit::CodePoint);
  EXPECT_THROW(parse_text_unit("char"), std::invalid_argument);
}

}  // namespace
}  // namespace recur
