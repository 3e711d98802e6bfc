// DateTime: a calendar date and time of day as written in a data file, with
// the precision it was written in, so that it prints back the same way.
//
// Accepted text (ISO 8601 subsets, as the usual CSV files have them):
//   YYYY              precision Year        "1749"
//   YYYY-MM           precision Month       "1749-01"
//   YYYY-MM-DD        precision Day         "1981-01-01"
//   YYYY-MM-DD HH:MM  precision Minute      "2010-01-01 23:00" ('T' also separates)
//   YYYY-MM-DD HH:MM:SS  precision Second
// Or assembled from integer columns (year[, month[, day[, hour[, minute[, second]]]]]),
// as pollution.csv writes its hours; that is the only way to get precision Hour.
// No time zones: times are taken as written (a repeated hour at a daylight
// saving change is two equal times, which the sort check allows).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace recur {

enum class DatePrecision { Year, Month, Day, Hour, Minute, Second };

struct DateTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  DatePrecision precision = DatePrecision::Day;

  // Days since 1970-01-01 (proleptic Gregorian), negative before.
  int64_t days_since_epoch() const;
  int64_t seconds_since_epoch() const;
  // 0 = Monday ... 6 = Sunday (ISO).
  int weekday() const;
  // In the precision it was read with: "1749-01", "2010-01-01 05:00", ...
  std::string to_string() const;

  // Earlier / later in time (precision ignored).
  friend bool operator<(const DateTime& a, const DateTime& b) { return a.seconds_since_epoch() < b.seconds_since_epoch(); }
};

// nullopt if the text is none of the forms above or names no real date
// (month 13, 31 April, hour 24, ...). Surrounding spaces are ignored.
std::optional<DateTime> parse_date_time(std::string_view text);
// From 1 to 6 integer parts, year first; nullopt if they name no real date.
std::optional<DateTime> date_from_parts(std::span<const int64_t> parts);

// The spacing of a regular series: whole calendar months (monthly and yearly
// data, whose months differ in length) or a fixed number of seconds.
struct DateStep {
  int64_t months = 0;
  int64_t seconds = 0;
};

// The most common gap between consecutive dates (months when the precision is
// Year or Month, seconds otherwise); ties go to the smaller gap. Needs two or
// more dates (std::invalid_argument otherwise, or when every gap is zero).
DateStep infer_date_step(std::span<const DateTime> dates);
// `date` moved on by `count` steps, keeping its precision.
DateTime advance(const DateTime& date, const DateStep& step, int64_t count = 1);

}  // namespace recur
