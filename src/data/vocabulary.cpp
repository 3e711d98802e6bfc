#include "recur/vocabulary.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace recur {

namespace {

char32_t max_symbol(TextUnit unit) { return unit == TextUnit::Byte ? 0xFF : 0x10FFFF; }

bool is_valid_symbol(char32_t symbol, TextUnit unit) {
  if (symbol > max_symbol(unit)) return false;
  return unit == TextUnit::Byte || symbol < 0xD800 || symbol > 0xDFFF;
}

}  // namespace

Vocabulary::Vocabulary(TextUnit unit, std::vector<char32_t> symbols) : unit_(unit), symbols_(std::move(symbols)) {
  for (size_t i = 0; i < symbols_.size(); ++i) {
    if (!is_valid_symbol(symbols_[i], unit_))
      throw std::invalid_argument(fmt::format("vocabulary: {} is not a valid {} symbol", static_cast<uint32_t>(symbols_[i]),
                                              text_unit_name(unit_)));
    if (i > 0 && symbols_[i] <= symbols_[i - 1])
      throw std::invalid_argument("vocabulary: symbols must be strictly increasing");
  }
  id_of_symbol_.assign(symbols_.empty() ? 0 : symbols_.back() + 1, -1);
  for (size_t i = 0; i < symbols_.size(); ++i) id_of_symbol_[symbols_[i]] = static_cast<int32_t>(i);
}

Vocabulary Vocabulary::of_text(std::span<const char32_t> text, TextUnit unit) {
  std::vector<bool> seen;
  for (char32_t s : text) {
    if (s >= seen.size()) seen.resize(static_cast<size_t>(s) + 1, false);
    seen[s] = true;
  }
  std::vector<char32_t> symbols;
  for (size_t s = 0; s < seen.size(); ++s)
    if (seen[s]) symbols.push_back(static_cast<char32_t>(s));
  return Vocabulary(unit, std::move(symbols));
}

int64_t Vocabulary::id(char32_t symbol) const {
  const int64_t id = id_or_negative(symbol);
  if (id < 0) throw std::invalid_argument("not in the vocabulary: " + describe_symbol(symbol, unit_));
  return id;
}

std::vector<int64_t> Vocabulary::encode(std::span<const char32_t> symbols) const {
  std::vector<int64_t> ids(symbols.size());
  std::set<char32_t> unknown;
  for (size_t i = 0; i < symbols.size(); ++i) {
    ids[i] = id_or_negative(symbols[i]);
    if (ids[i] < 0) unknown.insert(symbols[i]);
  }
  if (!unknown.empty()) {
    // Name every distinct unknown symbol (up to a screenful), so one run shows them all.
    constexpr size_t kMaxNamed = 20;
    std::string names;
    size_t named = 0;
    for (char32_t s : unknown) {
      if (named == kMaxNamed) {
        names += fmt::format(", and {} more", unknown.size() - kMaxNamed);
        break;
      }
      names += (named++ ? ", " : "") + describe_symbol(s, unit_);
    }
    throw std::invalid_argument(fmt::format("{} not in the vocabulary: {}",
                                            unit_ == TextUnit::Byte ? "bytes" : "characters", names));
  }
  return ids;
}

std::vector<int64_t> Vocabulary::encode_text(std::string_view text) const {
  return encode(decode_text(text, unit_, "text"));
}

void Vocabulary::append_text(int64_t id, std::string& out) const {
  if (id < 0 || id >= size()) throw std::out_of_range(fmt::format("token id {} outside vocabulary of size {}", id, size()));
  const char32_t s = symbols_[static_cast<size_t>(id)];
  if (unit_ == TextUnit::Byte)
    out += static_cast<char>(s);
  else
    append_utf8(s, out);
}

std::string Vocabulary::decode(std::span<const int64_t> ids) const {
  std::string text;
  text.reserve(ids.size());
  for (int64_t id : ids) append_text(id, text);
  return text;
}

nlohmann::json Vocabulary::to_json() const {
  std::vector<uint32_t> values(symbols_.begin(), symbols_.end());
  return {{"unit", text_unit_name(unit_)}, {"symbols", values}};
}

Vocabulary Vocabulary::from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("unit") || !json.contains("symbols") || !json["unit"].is_string() ||
      !json["symbols"].is_array())
    throw std::invalid_argument("vocabulary: expected {\"unit\": \"codepoint\"|\"byte\", \"symbols\": [...]}");
  const TextUnit unit = parse_text_unit(json["unit"].get<std::string>());
  std::vector<char32_t> symbols;
  for (const auto& value : json["symbols"]) {
    if (!value.is_number_unsigned() || value.get<uint64_t>() > max_symbol(unit))
      throw std::invalid_argument("vocabulary: symbol " + value.dump() + " is not a valid " + text_unit_name(unit));
    symbols.push_back(static_cast<char32_t>(value.get<uint64_t>()));
  }
  return Vocabulary(unit, std::move(symbols));
}

}  // namespace recur
