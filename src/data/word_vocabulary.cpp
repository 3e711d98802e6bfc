#include "recur/word_vocabulary.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "recur/words.h"

namespace recur {

void WordCounts::add(std::string_view word) {
  auto it = counts_.find(word);
  if (it == counts_.end()) it = counts_.emplace(std::string(word), 0).first;
  ++it->second;
  ++total_;
}

WordVocabulary::WordVocabulary() : words_{std::string(kPadWord), std::string(kUnknownWord)} {}

WordVocabulary WordVocabulary::build(const WordCounts& counts, const Options& options) {
  if (options.min_count < 1)
    throw std::invalid_argument(fmt::format("min_count must be at least 1 (got {})", options.min_count));
  if (options.max_size != 0 && options.max_size < 2)
    throw std::invalid_argument(fmt::format("max_size must be 0 (no limit) or at least 2 (got {})", options.max_size));
  WordVocabulary vocabulary;
  vocabulary.lowercase_ = options.lowercase;
  vocabulary.min_count_ = options.min_count;

  StringIdMap normalized;
  if (options.lowercase) {
    for (const auto& [word, count] : counts.counts()) normalized[lowercase_utf8(word)] += count;
  }
  const StringIdMap& merged = options.lowercase ? normalized : counts.counts();

  std::vector<std::pair<std::string_view, int64_t>> kept;
  for (const auto& [word, count] : merged)
    if (count >= options.min_count && word != kPadWord && word != kUnknownWord) kept.emplace_back(word, count);
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (options.max_size > 0 && static_cast<int64_t>(kept.size()) > options.max_size - 2)
    kept.resize(static_cast<size_t>(options.max_size - 2));
  for (const auto& [word, count] : kept) vocabulary.words_.emplace_back(word);
  vocabulary.index_words("build");
  return vocabulary;
}

void WordVocabulary::index_words(const char* what) {
  ids_.clear();
  ids_.reserve(words_.size());
  for (size_t i = 2; i < words_.size(); ++i) {
    if (!ids_.emplace(words_[i], static_cast<int64_t>(i)).second)
      throw std::invalid_argument(fmt::format("word vocabulary ({}): '{}' appears twice", what, words_[i]));
  }
}

std::string WordVocabulary::normalize(std::string_view word) const {
  return lowercase_ ? lowercase_utf8(word) : std::string(word);
}

int64_t WordVocabulary::id(std::string_view word) const {
  const auto it = lowercase_ ? ids_.find(lowercase_utf8(word)) : ids_.find(word);
  return it == ids_.end() ? kUnknown : it->second;
}

std::vector<int64_t> WordVocabulary::encode(std::span<const std::string> words) const {
  std::vector<int64_t> ids;
  ids.reserve(words.size());
  for (const std::string& w : words) ids.push_back(id(w));
  return ids;
}

nlohmann::json WordVocabulary::to_json() const {
  return {{"lowercase", lowercase_}, {"min_count", min_count_}, {"words", words_}};
}

WordVocabulary WordVocabulary::from_json(const nlohmann::json& json) {
  WordVocabulary vocabulary;
  try {
    vocabulary.lowercase_ = json.at("lowercase").get<bool>();
    vocabulary.min_count_ = json.value("min_count", int64_t{1});
    vocabulary.words_ = json.at("words").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("word vocabulary: ") + e.what());
  }
  const auto& words = vocabulary.words_;
  if (words.size() < 2 || words[0] != kPadWord || words[1] != kUnknownWord)
    throw std::invalid_argument("word vocabulary: the first two words must be \"<pad>\" and \"<unk>\"");
  for (size_t i = 2; i < words.size(); ++i) {
    if (words[i] == kPadWord || words[i] == kUnknownWord)
      throw std::invalid_argument(fmt::format("word vocabulary: '{}' appears again at id {}", words[i], i));
    if (vocabulary.lowercase_ && lowercase_utf8(words[i]) != words[i])
      throw std::invalid_argument(fmt::format("word vocabulary: '{}' (id {}) is not lowercase in a lowercased vocabulary", words[i], i));
  }
  vocabulary.index_words("from_json");
  return vocabulary;
}

}  // namespace recur
