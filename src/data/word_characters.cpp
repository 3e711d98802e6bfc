#include "recur/word_characters.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "recur/words.h"

namespace recur {

namespace {

// Code points of a word; bytes that are not valid UTF-8 become `invalid`, one each.
void decode_word(std::string_view word, std::vector<char32_t>& out, char32_t invalid) {
  out.clear();
  while (!word.empty()) {
    const auto error = decode_utf8(word, out);
    if (!error) return;
    out.push_back(invalid);
    word.remove_prefix(error->offset + 1);
  }
}

constexpr char32_t kInvalid = 0xFFFFFFFF;  // never a code point, so never in the vocabulary

}  // namespace

WordCharacters WordCharacters::build(const WordCounts& counts, bool lowercase) {
  std::vector<char32_t> all;
  std::vector<char32_t> one;
  for (const auto& [word, count] : counts.counts()) {
    decode_word(lowercase ? lowercase_utf8(word) : word, one, kInvalid);
    for (char32_t c : one)
      if (c != kInvalid) all.push_back(c);
  }
  WordCharacters characters;
  characters.lowercase_ = lowercase;
  characters.symbols_ = Vocabulary::of_text(all, TextUnit::CodePoint);
  return characters;
}

std::vector<int64_t> WordCharacters::encode(std::string_view word, int64_t max_length) const {
  thread_local std::vector<char32_t> code_points;
  decode_word(lowercase_ ? lowercase_utf8(word) : std::string(word), code_points, kInvalid);
  if (max_length > 0 && static_cast<int64_t>(code_points.size()) > max_length) code_points.resize(static_cast<size_t>(max_length));
  std::vector<int64_t> ids;
  ids.reserve(code_points.size());
  for (char32_t c : code_points) ids.push_back(c != kInvalid && symbols_.contains(c) ? symbols_.id(c) + 2 : kUnknown);
  return ids;
}

CharBatch WordCharacters::batch(const BatchLayout& layout,
                                const std::function<std::span<const std::string>(int64_t)>& words_of,
                                int64_t max_length) const {
  const int64_t T = layout.steps, B = layout.batch;
  CharBatch out;
  out.word_of_position.assign(static_cast<size_t>(T * B), -1);
  // Distinct words in order of first appearance (time-major), keyed as written.
  StringIdMap index;
  std::vector<std::vector<int64_t>> encoded;
  for (int64_t r = 0; r < B; ++r) {
    const std::span<const std::string> words = words_of(layout.examples[r]);
    if (static_cast<int64_t>(words.size()) != layout.lengths[r])
      throw std::invalid_argument(fmt::format("WordCharacters::batch: example {} has {} words, its length is {}",
                                              layout.examples[r], words.size(), layout.lengths[r]));
    for (int64_t t = 0; t < layout.lengths[r]; ++t) {
      const std::string& word = words[static_cast<size_t>(t)];
      auto it = index.find(word);
      if (it == index.end()) {
        it = index.emplace(word, static_cast<int64_t>(encoded.size())).first;
        encoded.push_back(encode(word, max_length));
        if (encoded.back().empty()) encoded.back().push_back(kUnknown);  // an empty word still takes one step
      }
      out.word_of_position[static_cast<size_t>(t * B + r)] = it->second;
    }
  }
  // Longest first; renumber the positions to match.
  const int64_t U = static_cast<int64_t>(encoded.size());
  std::vector<int64_t> order(static_cast<size_t>(U));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return encoded[a].size() > encoded[b].size(); });
  std::vector<int64_t> rank(static_cast<size_t>(U));
  for (int64_t u = 0; u < U; ++u) rank[static_cast<size_t>(order[u])] = u;
  for (int64_t& w : out.word_of_position)
    if (w >= 0) w = rank[static_cast<size_t>(w)];

  out.words = U;
  out.max_length = U > 0 ? static_cast<int64_t>(encoded[order[0]].size()) : 0;
  out.chars.assign(static_cast<size_t>(out.max_length * U), kPad);
  out.lengths.resize(static_cast<size_t>(U));
  for (int64_t u = 0; u < U; ++u) {
    const std::vector<int64_t>& ids = encoded[static_cast<size_t>(order[u])];
    out.lengths[static_cast<size_t>(u)] = static_cast<int64_t>(ids.size());
    for (size_t c = 0; c < ids.size(); ++c) out.chars[c * static_cast<size_t>(U) + static_cast<size_t>(u)] = ids[c];
  }
  return out;
}

nlohmann::json WordCharacters::to_json() const { return {{"lowercase", lowercase_}, {"symbols", symbols_.to_json()}}; }

WordCharacters WordCharacters::from_json(const nlohmann::json& json) {
  WordCharacters characters;
  try {
    characters.lowercase_ = json.at("lowercase").get<bool>();
    characters.symbols_ = Vocabulary::from_json(json.at("symbols"));
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("word characters: ") + e.what());
  }
  if (characters.symbols_.unit() != TextUnit::CodePoint)
    throw std::invalid_argument("word characters: symbols must be code points");
  return characters;
}

}  // namespace recur
