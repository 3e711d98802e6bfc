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

// "after" (PyTorch) or "before" (Cho et al.), as configurations store the GRU reset.
inline const char* gru_reset_name(GruReset reset) { return reset == GruReset::AfterProduct ? "after" : "before"; }
inline GruReset gru_reset_from_json(const nlohmann::json& json) {
  const std::string reset = json.value("gru_reset", std::string("after"));
  if (reset != "after" && reset != "before")
    throw std::invalid_argument("model configuration has gru_reset '" + reset + "' (expected after or before)");
  return reset == "after" ? GruReset::AfterProduct : GruReset::BeforeProduct;
}

}  // namespace recur
