#include "recur/bounded_json.h"

#include <string>

namespace recur {

JsonTooDeep::JsonTooDeep()
    : std::runtime_error("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels") {}

nlohmann::json parse_bounded_json(std::string_view text, const nlohmann::json::parser_callback_t& watch) {
  using nlohmann::json;
  // The callback's depth is that of the value being opened (0 for the top level).
  auto bounded = [&watch](int depth, json::parse_event_t event, json& parsed) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      throw JsonTooDeep();
    return watch ? watch(depth, event, parsed) : true;
  };
  return json::parse(text.begin(), text.end(), bounded);
}

}  // namespace recur
