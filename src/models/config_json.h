// Reading a model configuration back from a checkpoint's JSON: a key that is
// missing or of the wrong type is an error naming the key (callers add the file).
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "recur/recurrent.h"

namespace recur {

template <typename V>
V required(const nlohmann::json& json, const char* key) {
  if (!json.contains(key)) throw std::invalid_argument(std::string("model configuration lacks '") + key + "'");
  try {
    return json.at(key).get<V>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string("model configuration has a bad '") + key + "': " + json.at(key).dump());
  }
}

// A key that older checkpoints lack: `fallback` when absent, an error naming
// the key when present with the wrong type.
template <typename V>
V optional_key(const nlohmann::json& json, const char* key, V fallback) {
  return json.contains(key) ? required<V>(json, key) : fallback;
}

// The GRU reset as configurations store it (gru_reset_name); "after" when absent.
inline GruReset gru_reset_from_json(const nlohmann::json& json) {
  try {
    return parse_gru_reset(json.value("gru_reset", gru_reset_name(GruReset::AfterProduct)));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("model configuration: ") + e.what());
  }
}

}  // namespace recur
