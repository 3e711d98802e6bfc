#include "recur/calendar_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace recur {

std::vector<CalendarFeature> parse_calendar_features(std::string_view list) {
  std::vector<CalendarFeature> features;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    CalendarFeature feature;
    if (item == "month") feature = CalendarFeature::Month;
    else if (item == "weekday") feature = CalendarFeature::Weekday;
    else if (item == "hour") feature = CalendarFeature::Hour;
    else
      throw std::invalid_argument(fmt::format("unknown calendar feature '{}'; use month, weekday and/or hour", item));
    if (std::find(features.begin(), features.end(), feature) != features.end())
      throw std::invalid_argument(fmt::format("calendar feature '{}' is named twice", item));
    features.push_back(feature);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return features;
}

std::string calendar_feature_name(CalendarFeature feature) {
  switch (feature) {
    case CalendarFeature::Month: return "month";
    case CalendarFeature::Weekday: return "weekday";
    case CalendarFeature::Hour: return "hour";
  }
  return "month";
}

DatePrecision required_precision(CalendarFeature feature) {
  switch (feature) {
    case CalendarFeature::Month: return DatePrecision::Month;
    case CalendarFeature::Weekday: return DatePrecision::Day;
    case CalendarFeature::Hour: return DatePrecision::Hour;
  }
  return DatePrecision::Month;
}

std::vector<std::string> calendar_column_names(CalendarFeature feature) {
  const std::string name = calendar_feature_name(feature);
  return {name + "_sin", name + "_cos"};
}

std::vector<double> calendar_values(CalendarFeature feature, const DateTime& date) {
  double position = 0, period = 1;
  switch (feature) {
    case CalendarFeature::Month: position = date.month - 1, period = 12; break;
    case CalendarFeature::Weekday: position = date.weekday(), period = 7; break;
    case CalendarFeature::Hour: position = date.hour, period = 24; break;
  }
  const double angle = 2 * std::numbers::pi * position / period;
  return {std::sin(angle), std::cos(angle)};
}

}  // namespace recur
