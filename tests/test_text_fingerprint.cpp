// TextFingerprint: FNV-1a over the bytes, streamed; its JSON form is checked
// on the way in.
#include <gtest/gtest.h>

#include <stdexcept>

#include "recur/text_fingerprint.h"

namespace recur {
namespace {

TextFingerprint of(std::string_view text) {
  TextFingerprint fingerprint;
  fingerprint.add(text);
  return fingerprint;
}

// The published FNV-1a 64-bit test vectors (Fowler, Noll, Vo: "FNV test suite").
TEST(TextFingerprint, MatchesTheFnv1aTestVectors) {
  EXPECT_EQ(TextFingerprint{}.hash_hex(), "cbf29ce484222325");
  EXPECT_EQ(of("a").hash_hex(), "af63dc4c8601ec8c");
  EXPECT_EQ(of("foobar").hash_hex(), "85944171f73967e8");
  EXPECT_EQ(of("foobar").bytes, 6);
  EXPECT_EQ(of("foobar").describe(), "6 bytes, FNV-1a 85944171f73967e8");
}

TEST(TextFingerprint, AddingInPiecesEqualsAddingAtOnce) {
  TextFingerprint pieces;
  pieces.add("foo");
  pieces.add("");
  pieces.add("bar");
  EXPECT_EQ(pieces, of("foobar"));
  // Same characters, same length, another order: another fingerprint.
  EXPECT_NE(of("raboof"), of("foobar"));
}

TEST(TextFingerprint, JsonRoundTrip) {
  const TextFingerprint fingerprint = of("foobar");
  EXPECT_EQ(fingerprint.to_json(), nlohmann::json::parse(R"({"bytes": 6, "fnv1a_64": "85944171f73967e8"})"));
  EXPECT_EQ(TextFingerprint::from_json(fingerprint.to_json()), fingerprint);
  // The top bit set: a hash no double holds exactly survives as a string.
  const TextFingerprint high = of("a");
  EXPECT_EQ(TextFingerprint::from_json(high.to_json()).fnv1a, 0xaf63dc4c8601ec8cULL);
}

TEST(TextFingerprint, BadJsonIsRefused) {
  for (const char* bad : {R"([])", R"({"bytes": 6})", R"({"fnv1a_64": "85944171f73967e8"})",
                          R"({"bytes": -1, "fnv1a_64": "85944171f73967e8"})",
                          R"({"bytes": 6.5, "fnv1a_64": "85944171f73967e8"})",
                          R"({"bytes": 6, "fnv1a_64": 9625390261332436968})",
                          R"({"bytes": 6, "fnv1a_64": "85944171f73967e"})",
                          R"({"bytes": 6, "fnv1a_64": "85944171F73967E8"})",
                          R"({"bytes": 6, "fnv1a_64": "0x944171f73967e8"})"})
    EXPECT_THROW(TextFingerprint::from_json(nlohmann::json::parse(bad)), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace recur
