// WordCharacters: the characters of words, for a character-level word encoder
// (a BiLSTM/BiGRU over each word's characters whose final states join the
// word embedding, so that words the vocabulary lacks still carry signal).
// The data part only: character ids and batches.
//
// Ids: 0 is padding, 1 an unknown character (one training never had); 2.. the
// training characters (Unicode code points) in code-point order. With
// `lowercase`, words are lowercased first (words.h), as the word vocabulary
// does. Bytes that are not valid UTF-8 are unknown characters, one each.
//
// CharBatch: the distinct words of a padded word batch (each encoded once, so
// "the" in 30 sentences runs once), longest first for the engine's packed path:
//   chars              [L, U] int64, time-major, element (c, u) at c * U + u;
//                      kPad past lengths[u]   (L = longest word, U = distinct words)
//   lengths            [U] characters of each distinct word, non-increasing
//   word_of_position   [T * B] the distinct word at (t, r) of the word batch,
//                      -1 at padding positions
// The model runs the encoder on chars/lengths -> [U, E] and gathers rows by
// word_of_position into [T, B, E] (zeros at -1); backward scatters them back.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/padded_batch.h"
#include "recur/vocabulary.h"
#include "recur/word_vocabulary.h"

namespace recur {

struct CharBatch {
  int64_t max_length = 0;  // L
  int64_t words = 0;       // U
  std::vector<int64_t> chars;
  std::vector<int64_t> lengths;
  std::vector<int64_t> word_of_position;
};

class WordCharacters {
 public:
  static constexpr int64_t kPad = 0;
  static constexpr int64_t kUnknown = 1;

  WordCharacters() = default;
  // Every character of the counted words (training data only).
  static WordCharacters build(const WordCounts& counts, bool lowercase);

  int64_t size() const { return 2 + symbols_.size(); }  // ids in [0, size)
  bool lowercase() const { return lowercase_; }
  const Vocabulary& symbols() const { return symbols_; }

  // The ids of a word's characters; words longer than max_length (> 0) keep
  // their first max_length characters.
  std::vector<int64_t> encode(std::string_view word, int64_t max_length = 0) const;

  // The characters of the words of a padded batch: words_of(example) gives the
  // words of an example, layout.lengths[r] of them for row r.
  CharBatch batch(const BatchLayout& layout, const std::function<std::span<const std::string>(int64_t)>& words_of,
                  int64_t max_length = 0) const;

  // {"lowercase": false, "symbols": {Vocabulary's JSON}}
  nlohmann::json to_json() const;
  static WordCharacters from_json(const nlohmann::json& json);

  bool operator==(const WordCharacters& other) const {
    return lowercase_ == other.lowercase_ && symbols_ == other.symbols_;
  }

 private:
  bool lowercase_ = false;
  Vocabulary symbols_;  // code points; id here + 2 = character id
};

}  // namespace recur
