// Calendar features (`--calendar month,weekday,hour`): the position of each
// row's date in the year, the week and the day, as model inputs.
//
// Each feature is two columns, sin and cos of the angle 2*pi*k/period (month
// k = 0..11, weekday k = 0..6 from Monday, hour k = 0..23), named
// "month_sin", "month_cos", ... Why this and not one-hot: two columns per
// feature instead of 12 + 7 + 24; December sits next to January and Sunday
// next to Monday, as they are in time; and the values lie in [-1, 1] already,
// so they need no scaling. (One-hot lets a model give each month an
// unrelated effect; a recurrent model on a lookback window rarely needs that.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "recur/date_time.h"

namespace recur {

enum class CalendarFeature { Month, Weekday, Hour };

// "month,weekday,hour" (any subset, any order, no repeats) and back;
// std::invalid_argument naming the bad item otherwise. "" is none.
std::vector<CalendarFeature> parse_calendar_features(std::string_view list);
std::string calendar_feature_name(CalendarFeature feature);

// The finest date precision a feature needs: Month for month, Day for weekday,
// Hour for hour.
DatePrecision required_precision(CalendarFeature feature);

// "<name>_sin", "<name>_cos".
std::vector<std::string> calendar_column_names(CalendarFeature feature);
// The two values {sin, cos} for a date.
std::vector<double> calendar_values(CalendarFeature feature, const DateTime& date);

}  // namespace recur
