// Dates as data files write them: parsing, weekdays, spacing and stepping on.
#include <gtest/gtest.h>

#include <vector>

#include "recur/date_time.h"

namespace recur {
namespace {

DateTime date(const char* text) {
  const auto d = parse_date_time(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(DateTime{});
}

TEST(DateTime, ParsesEachFormAndPrintsItBack) {
  for (const char* text : {"1749", "1749-01", "1981-01-01", "2010-01-01 23:00", "2010-01-01 23:05:09"})
    EXPECT_EQ(date(text).to_string(), text);
  const DateTime t = date("2010-01-01T23:05");
  EXPECT_EQ(t.hour, 23);
  EXPECT_EQ(t.minute, 5);
  EXPECT_EQ(date(" 1981-01-01 ").day, 1);
  EXPECT_EQ(date("2024-02-29").precision, DatePrecision::Day);
}

TEST(DateTime, RefusesWhatIsNoDate) {
  for (const char* text : {"", "17490", "1749-1", "1749-13", "2023-02-29", "1981-04-31", "1981-01-01 24:00",
                           "1981-01-01 10:60", "1981/01/01", "1981-01-01x", "Jan 1981"})
    EXPECT_FALSE(parse_date_time(text).has_value()) << text;
  EXPECT_FALSE(date_from_parts(std::vector<int64_t>{2010, 2, 29}).has_value());
  EXPECT_FALSE(date_from_parts(std::vector<int64_t>{}).has_value());
}

TEST(DateTime, WeekdaysOfKnownDates) {
  EXPECT_EQ(date("1970-01-01").weekday(), 3);  // Thursday
  EXPECT_EQ(date("2024-01-01").weekday(), 0);  // Monday
  EXPECT_EQ(date("2000-02-29").weekday(), 1);  // Tuesday
  EXPECT_EQ(date("1969-12-28").weekday(), 6);  // Sunday, before the epoch
  EXPECT_EQ(date("1970-01-02").days_since_epoch(), 1);
  EXPECT_EQ(date("1969-12-31").days_since_epoch(), -1);
}

TEST(DateTime, StepOfMonthlyDataIsCalendarMonths) {
  const std::vector<DateTime> months = {date("1749-11"), date("1749-12"), date("1750-01")};
  const DateStep step = infer_date_step(months);
  EXPECT_EQ(step.months, 1);
  EXPECT_EQ(step.seconds, 0);
  EXPECT_EQ(advance(months.back(), step, 12).to_string(), "1751-01");
  // Day-precision end of month clamps (Jan 31 + 1 month = Feb 29 in a leap year).
  EXPECT_EQ(advance(date("2024-01-31"), DateStep{1, 0}).to_string(), "2024-02-29");
}

TEST(DateTime, StepOfHourlyDataIsTheCommonestGap) {
  const std::vector<DateTime> hours = {date("2014-12-31 21:00"), date("2014-12-31 22:00"), date("2014-12-31 23:00"),
                                       date("2015-01-01 02:00")};  // one gap of three hours
  const DateStep step = infer_date_step(hours);
  EXPECT_EQ(step.seconds, 3600);
  EXPECT_EQ(advance(hours[2], step).to_string(), "2015-01-01 00:00");
  const auto parts = std::vector<int64_t>{2014, 12, 31, 23};
  const DateTime hourly = *date_from_parts(parts);
  EXPECT_EQ(advance(hourly, step, 2).to_string(), "2015-01-01 01:00");
  EXPECT_EQ(advance(date("1981-12-31"), infer_date_step(std::vector{date("1981-12-30"), date("1981-12-31")})).to_string(),
            "1982-01-01");
  EXPECT_THROW(infer_date_step(std::vector{date("1981-12-30")}), std::invalid_argument);
}

}  // namespace
}  // namespace recur
