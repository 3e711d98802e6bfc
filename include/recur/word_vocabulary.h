// WordVocabulary: words <-> ids for a word embedding, saved in checkpoints.
//
// Id 0 is "<pad>" (the padding of a batch, never a word) and id 1 is "<unk>"
// (every word the vocabulary does not keep, including the text "<unk>" and
// "<pad>" themselves); ids 2.. are the kept words, most frequent first, ties
// in byte order, so the same training data always gives the same ids.
// Built from the training data only: a word is kept when it occurs at least
// `min_count` times (and, with max_size > 0, the vocabulary holds at most
// max_size entries counting the two specials).
//
// With `lowercase`, words are lowercased (words.h) before counting and before
// every lookup; the setting travels with the vocabulary, so evaluation
// normalises exactly as training did.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace recur {

// std::hash over string_view, so maps keyed by std::string can be searched without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringIdMap = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

// Occurrences of each word as written (normalised later, by build()).
class WordCounts {
 public:
  void add(std::string_view word);
  void add(std::span<const std::string> words) {
    for (const std::string& w : words) add(w);
  }
  const StringIdMap& counts() const { return counts_; }
  int64_t total() const { return total_; }

 private:
  StringIdMap counts_;
  int64_t total_ = 0;
};

class WordVocabulary {
 public:
  static constexpr int64_t kPad = 0;
  static constexpr int64_t kUnknown = 1;
  static constexpr std::string_view kPadWord = "<pad>";
  static constexpr std::string_view kUnknownWord = "<unk>";

  struct Options {
    int64_t min_count = 1;  // keep words seen at least this often (>= 1)
    int64_t max_size = 0;   // 0 = no limit; otherwise >= 2
    bool lowercase = false;
  };

  // Just <pad> and <unk>.
  WordVocabulary();
  // Throws std::invalid_argument on min_count < 1 or 0 < max_size < 2.
  static WordVocabulary build(const WordCounts& counts, const Options& options);

  int64_t size() const { return static_cast<int64_t>(words_.size()); }
  bool lowercase() const { return lowercase_; }
  int64_t min_count() const { return min_count_; }
  // All entries by id, the two specials first.
  const std::vector<std::string>& words() const { return words_; }
  const std::string& word(int64_t id) const { return words_.at(static_cast<size_t>(id)); }

  // The word as the vocabulary sees it (lowercased or as it is).
  std::string normalize(std::string_view word) const;
  // The id of a word, kUnknown when it is not kept.
  int64_t id(std::string_view word) const;
  bool contains(std::string_view word) const { return id(word) != kUnknown; }
  std::vector<int64_t> encode(std::span<const std::string> words) const;

  // {"lowercase": false, "min_count": 2, "words": ["<pad>", "<unk>", "the", ...]}
  nlohmann::json to_json() const;
  // Checks the specials, duplicates and normalisation; throws std::invalid_argument.
  static WordVocabulary from_json(const nlohmann::json& json);

  bool operator==(const WordVocabulary& other) const {
    return lowercase_ == other.lowercase_ && words_ == other.words_;
  }

 private:
  void index_words(const char* what);

  bool lowercase_ = false;
  int64_t min_count_ = 1;
  std::vector<std::string> words_;
  StringIdMap ids_;  // the kept words only (not the specials)
};

}  // namespace recur
