// JSON read from files that come from anywhere (safetensors headers,
// checkpoint metadata, JSONL lines), parsed with a bound on nesting.
//
// nlohmann's parser is iterative, but the json values it builds are copied,
// compared and dumped recursively: a line of 100,000 '[' parses and then
// overflows the stack the first time an error message dumps it. No recur file
// nests deeper than a few levels, so anything deeper than kMaxJsonDepth is
// refused while it is parsed.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string_view>

namespace recur {

inline constexpr int kMaxJsonDepth = 64;

struct JsonTooDeep : std::runtime_error {
  JsonTooDeep();
};

// Parses `text`; `watch` (optional) sees every parse event as a callback of
// nlohmann::json::parse does. Throws nlohmann::json::parse_error for text that
// is not JSON and JsonTooDeep for arrays or objects nested deeper than
// kMaxJsonDepth.
nlohmann::json parse_bounded_json(std::string_view text, const nlohmann::json::parser_callback_t& watch = nullptr);

}  // namespace recur
