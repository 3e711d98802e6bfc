// TextFingerprint: identifies a text by its bytes — how many there are and
// their 64-bit FNV-1a hash — so that a resumed run can tell whether the text
// it re-reads is the one it was trained on. Comparing the set of characters
// is not enough: an edit that keeps the same characters would silently move
// the training streams and the validation split onto different text.
//
// FNV-1a is not cryptographic: it catches edits, not deliberate collisions.
// It is simple enough to recompute anywhere (e.g. over `cat FILES` in Python:
// h = 0xcbf29ce484222325; for b in data: h = ((h ^ b) * 0x100000001b3) % 2**64).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recur {

struct TextFingerprint {
  int64_t bytes = 0;
  uint64_t fnv1a = 0xcbf29ce484222325ULL;  // FNV-1a's offset basis: the hash of no bytes

  // Extends the fingerprint by `data`, as if it followed what came before.
  void add(std::string_view data);

  // The hash as 16 lower-case hex digits: JSON numbers are doubles for most
  // readers, which cannot hold 64 bits.
  std::string hash_hex() const;
  // "1234 bytes, FNV-1a 0123456789abcdef", for messages.
  std::string describe() const;

  // {"bytes": 1234, "fnv1a_64": "0123456789abcdef"}
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming what is wrong (missing key, wrong type,
  // negative length, not 16 hex digits).
  static TextFingerprint from_json(const nlohmann::json& json);

  bool operator==(const TextFingerprint&) const = default;
};

}  // namespace recur
