#include "recur/date_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

namespace recur {

namespace {

bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Its inverse (civil_from_days).
void civil_from_days(int64_t z, int& year, int& month, int& day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2));
}

bool valid(const DateTime& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month) && d.hour >= 0 &&
         d.hour < 24 && d.minute >= 0 && d.minute < 60 && d.second >= 0 && d.second < 60;
}

// Exactly `digits` decimal digits at text[at...]; advances `at`.
bool read_digits(std::string_view text, size_t& at, size_t digits, int& value) {
  if (at + digits > text.size()) return false;
  for (size_t i = at; i < at + digits; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  std::from_chars(text.data() + at, text.data() + at + digits, value);
  at += digits;
  return true;
}

bool read_char(std::string_view text, size_t& at, char expected) {
  if (at >= text.size() || text[at] != expected) return false;
  ++at;
  return true;
}

}  // namespace

int64_t DateTime::days_since_epoch() const { return days_from_civil(year, month, day); }

int64_t DateTime::seconds_since_epoch() const {
  return days_since_epoch() * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
}

int DateTime::weekday() const {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const int64_t days = days_since_epoch();
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string DateTime::to_string() const {
  switch (precision) {
    case DatePrecision::Year: return fmt::format("{:04}", year);
    case DatePrecision::Month: return fmt::format("{:04}-{:02}", year, month);
    case DatePrecision::Day: return fmt::format("{:04}-{:02}-{:02}", year, month, day);
    case DatePrecision::Hour:
    case DatePrecision::Minute: return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", year, month, day, hour, minute);
    case DatePrecision::Second:
      return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", year, month, day, hour, minute, second);
  }
  return {};
}

std::optional<DateTime> parse_date_time(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  DateTime d;
  size_t at = 0;
  if (!read_digits(text, at, 4, d.year)) return std::nullopt;
  d.precision = DatePrecision::Year;
  if (at < text.size()) {
    if (!read_char(text, at, '-') || !read_digits(text, at, 2, d.month)) return std::nullopt;
    d.precision = DatePrecision::Month;
  }
  if (at < text.size()) {
    if (!read_char(text, at, '-') || !read_digits(text, at, 2, d.day)) return std::nullopt;
    d.precision = DatePrecision::Day;
  }
  if (at < text.size()) {
    if (!(read_char(text, at, ' ') || read_char(text, at, 'T'))) return std::nullopt;
    if (!read_digits(text, at, 2, d.hour) || !read_char(text, at, ':') || !read_digits(text, at, 2, d.minute))
      return std::nullopt;
    d.precision = DatePrecision::Minute;
  }
  if (at < text.size()) {
    if (!read_char(text, at, ':') || !read_digits(text, at, 2, d.second)) return std::nullopt;
    d.precision = DatePrecision::Second;
  }
  if (at != text.size() || !valid(d)) return std::nullopt;
  return d;
}

std::optional<DateTime> date_from_parts(std::span<const int64_t> parts) {
  if (parts.empty() || parts.size() > 6) return std::nullopt;
  for (const int64_t part : parts)
    if (part < -100000 || part > 100000) return std::nullopt;
  DateTime d;
  int* fields[] = {&d.year, &d.month, &d.day, &d.hour, &d.minute, &d.second};
  for (size_t i = 0; i < parts.size(); ++i) *fields[i] = static_cast<int>(parts[i]);
  d.precision = static_cast<DatePrecision>(parts.size() - 1);
  if (!valid(d)) return std::nullopt;
  return d;
}

DateStep infer_date_step(std::span<const DateTime> dates) {
  if (dates.size() < 2) throw std::invalid_argument("the spacing of dates needs at least two dates");
  const bool calendar_months = dates.back().precision <= DatePrecision::Month;
  std::map<int64_t, int64_t> counts;  // gap -> how often; ordered, so ties go to the smaller gap
  for (size_t i = 1; i < dates.size(); ++i) {
    const DateTime& a = dates[i - 1];
    const DateTime& b = dates[i];
    const int64_t gap = calendar_months ? (int64_t{b.year} - a.year) * 12 + (b.month - a.month)
                                        : b.seconds_since_epoch() - a.seconds_since_epoch();
    if (gap > 0) ++counts[gap];
  }
  if (counts.empty()) throw std::invalid_argument("the dates never advance, so the spacing of the series is unknown");
  int64_t best_gap = 0, best_count = 0;
  for (const auto& [gap, count] : counts)
    if (count > best_count) best_gap = gap, best_count = count;
  return calendar_months ? DateStep{best_gap, 0} : DateStep{0, best_gap};
}

DateTime advance(const DateTime& date, const DateStep& step, int64_t count) {
  DateTime d = date;
  if (step.months != 0) {
    const int64_t months = int64_t{d.year} * 12 + (d.month - 1) + step.months * count;
    d.year = static_cast<int>(months >= 0 ? months / 12 : (months - 11) / 12);
    d.month = static_cast<int>(months - int64_t{d.year} * 12 + 1);
    d.day = std::min(d.day, days_in_month(d.year, d.month));
  }
  if (step.seconds != 0) {
    const int64_t total = d.seconds_since_epoch() + step.seconds * count;
    const int64_t days = total >= 0 ? total / 86400 : (total - 86399) / 86400;
    const int64_t in_day = total - days * 86400;
    civil_from_days(days, d.year, d.month, d.day);
    d.hour = static_cast<int>(in_day / 3600);
    d.minute = static_cast<int>(in_day % 3600 / 60);
    d.second = static_cast<int>(in_day % 60);
  }
  return d;
}

}  // namespace recur
