// Vocabulary: the sorted set of symbols (code points or bytes) a model knows,
// and the mapping symbol <-> id (id = rank in sorted order, as char-rnn and
// nanoGPT's `sorted(set(text))` do). Saved in checkpoints as JSON.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/text_decoding.h"

namespace recur {

class Vocabulary {
 public:
  Vocabulary() = default;
  // `symbols` must be strictly increasing (throws std::invalid_argument otherwise).
  Vocabulary(TextUnit unit, std::vector<char32_t> symbols);
  // The set of symbols occurring in `text`.
  static Vocabulary of_text(std::span<const char32_t> text, TextUnit unit);

  TextUnit unit() const { return unit_; }
  int64_t size() const { return static_cast<int64_t>(symbols_.size()); }
  const std::vector<char32_t>& symbols() const { return symbols_; }
  char32_t symbol(int64_t id) const { return symbols_.at(static_cast<size_t>(id)); }
  bool contains(char32_t symbol) const { return id_or_negative(symbol) >= 0; }
  // Throws std::invalid_argument naming the symbol if it is not in the vocabulary.
  int64_t id(char32_t symbol) const;

  // Symbols -> ids. Unknown symbols: std::invalid_argument naming each distinct
  // one ("characters not in the vocabulary: 'é' (U+00E9), ...").
  std::vector<int64_t> encode(std::span<const char32_t> symbols) const;
  // Text (UTF-8, or bytes in byte mode) -> ids, e.g. a sampling prime.
  std::vector<int64_t> encode_text(std::string_view text) const;
  // Ids -> UTF-8 text (raw bytes in byte mode). Throws std::out_of_range on a bad id.
  std::string decode(std::span<const int64_t> ids) const;
  // Appends one symbol's text: for streaming generated text.
  void append_text(int64_t id, std::string& out) const;

  // {"unit": "codepoint", "symbols": [10, 32, 33, ...]}
  nlohmann::json to_json() const;
  // Validates: known unit, symbols increasing and in range. Throws std::invalid_argument.
  static Vocabulary from_json(const nlohmann::json& json);

  bool operator==(const Vocabulary& other) const { return unit_ == other.unit_ && symbols_ == other.symbols_; }

 private:
  int64_t id_or_negative(char32_t symbol) const {
    return symbol < id_of_symbol_.size() ? id_of_symbol_[symbol] : -1;
  }

  TextUnit unit_ = TextUnit::CodePoint;
  std::vector<char32_t> symbols_;
  // Dense symbol -> id table (-1 = absent) up to the largest symbol: encoding
  // a corpus is one lookup per character. At most 4.4 MB (U+10FFFF), usually
  // a few kilobytes.
  std::vector<int32_t> id_of_symbol_;
};

}  // namespace recur
