// Vocabulary: sorted symbols <-> ids, round trips, unknown characters named.
#include <gtest/gtest.h>

#include <stdexcept>

#include "recur/text_corpus.h"
#include "recur/vocabulary.h"

namespace recur {
namespace {

Vocabulary vocabulary_of(std::string_view text, TextUnit unit = TextUnit::CodePoint) {
  return Vocabulary::of_text(TextCorpus::from_text(text, unit).symbols(), unit);
}

TEST(Vocabulary, IdsAreRanksInSortedOrder) {
  const Vocabulary vocab = vocabulary_of("hello world\n");
  // sorted(set("hello world\n")) == ['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
  EXPECT_EQ(vocab.symbols(), (std::vector<char32_t>{'\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'}));
  EXPECT_EQ(vocab.size(), 9);
  EXPECT_EQ(vocab.id(U'\n'), 0);
  EXPECT_EQ(vocab.id(U'w'), 8);
  EXPECT_EQ(vocab.symbol(4), U'h');
  EXPECT_TRUE(vocab.contains(U'l'));
  EXPECT_FALSE(vocab.contains(U'z'));
  EXPECT_FALSE(vocab.contains(0x10FFFF));
}

TEST(Vocabulary, EncodeDecodeRoundTripsUnicode) {
  const std::string text = "na\xC3\xAFve caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x98\x80\n";
  const Vocabulary vocab = vocabulary_of(text);
  const std::vector<int64_t> ids = vocab.encode_text(text);
  EXPECT_EQ(ids.size(), 17u);  // code points, not bytes
  EXPECT_EQ(vocab.decode(ids), text);
  std::string streamed;
  for (int64_t id : ids) vocab.append_text(id, streamed);
  EXPECT_EQ(streamed, text);
}

TEST(Vocabulary, ByteModeRoundTripsAnyBytes) {
  const std::string bytes = "\xC3\xA9\xFF\x01z";
  const Vocabulary vocab = Vocabulary::of_text(TextCorpus::from_text(bytes, TextUnit::Byte).symbols(), TextUnit::Byte);
  EXPECT_EQ(vocab.size(), 5);
  EXPECT_EQ(vocab.decode(vocab.encode_text(bytes)), bytes);
}

TEST(Vocabulary, UnknownCharactersAreNamedOnce) {
  const Vocabulary vocab = vocabulary_of("abc");
  try {
    vocab.encode_text("abzc\xC3\xA9z");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "characters not in the vocabulary: 'z' (U+007A), '\xC3\xA9' (U+00E9)");
  }
  EXPECT_THROW(vocab.id(U'q'), std::invalid_argument);
  EXPECT_THROW(vocab.decode(std::vector<int64_t>{3}), std::out_of_range);
  EXPECT_THROW(vocab.decode(std::vector<int64_t>{-1}), std::out_of_range);
}

TEST(Vocabulary, JsonRoundTrip) {
  const Vocabulary vocab = vocabulary_of("The \xE2\x82\xAC sign.\n");
  const nlohmann::json json = vocab.to_json();
  EXPECT_EQ(json["unit"], "codepoint");
  const Vocabulary restored = Vocabulary::from_json(nlohmann::json::parse(json.dump()));
  EXPECT_EQ(restored, vocab);
  EXPECT_EQ(restored.id(0x20AC), vocab.id(0x20AC));

  const Vocabulary bytes = vocabulary_of("xyz", TextUnit::Byte);
  EXPECT_EQ(Vocabulary::from_json(bytes.to_json()), bytes);
  EXPECT_FALSE(Vocabulary::from_json(bytes.to_json()) == vocabulary_of("xyz"));  // the unit is part of it
}

TEST(Vocabulary, FromJsonRejectsBadInput) {
  using nlohmann::json;
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"codepoint","symbols":[98,97]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"codepoint","symbols":[97,97]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"byte","symbols":[256]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"codepoint","symbols":[55296]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"codepoint","symbols":[-1]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"({"unit":"word","symbols":[]})")), std::invalid_argument);
  EXPECT_THROW(Vocabulary::from_json(json::parse(R"([1,2])")), std::invalid_argument);
}

}  // namespace
}  // namespace recur
