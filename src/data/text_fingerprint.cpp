#include "recur/text_fingerprint.h"

#include <fmt/format.h>

#include <stdexcept>

namespace recur {

namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

bool is_hash_hex(const std::string& text) {
  if (text.size() != 16) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void TextFingerprint::add(std::string_view data) {
  for (unsigned char byte : data) {
    fnv1a ^= byte;
    fnv1a *= kFnvPrime;
  }
  bytes += static_cast<int64_t>(data.size());
}

std::string TextFingerprint::hash_hex() const { return fmt::format("{:016x}", fnv1a); }

std::string TextFingerprint::describe() const { return fmt::format("{} bytes, FNV-1a {}", bytes, hash_hex()); }

nlohmann::json TextFingerprint::to_json() const { return {{"bytes", bytes}, {"fnv1a_64", hash_hex()}}; }

TextFingerprint TextFingerprint::from_json(const nlohmann::json& json) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("text fingerprint " + json.dump() + ": " + what);
  };
  if (!json.is_object() || !json.contains("bytes") || !json.contains("fnv1a_64"))
    fail("expected {\"bytes\": N, \"fnv1a_64\": \"16 hex digits\"}");
  const nlohmann::json& bytes = json.at("bytes");
  const nlohmann::json& hash = json.at("fnv1a_64");
  if (!bytes.is_number_integer() || bytes.get<int64_t>() < 0) fail("bytes must be an integer >= 0");
  if (!hash.is_string() || !is_hash_hex(hash.get<std::string>())) fail("fnv1a_64 must be 16 lower-case hex digits");
  TextFingerprint fingerprint;
  fingerprint.bytes = bytes.get<int64_t>();
  fingerprint.fnv1a = std::stoull(hash.get<std::string>(), nullptr, 16);
  return fingerprint;
}

}  // namespace recur
