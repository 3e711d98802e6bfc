// The real time series of ../shared/data/timeseries parse as they should:
// monthly sunspots, daily temperatures, and the Beijing PM2.5 file with its NAs
// and its categorical wind direction. Skipped where the data is absent.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <filesystem>

#include "recur/data_error.h"
#include "recur/forecast_data.h"

namespace recur {
namespace {

std::string data_file(const char* name) {
  return (std::filesystem::path(RECUR_SOURCE_DIR) / ".." / "shared" / "data" / "timeseries" / name).string();
}

#define SKIP_WITHOUT(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (the shared data folder); skipping"

TEST(ForecastRealFiles, MonthlySunspots) {
  const std::string path = data_file("monthly-sunspots.csv");
  SKIP_WITHOUT(path);
  TimeSeriesOptions o;
  o.targets = {"Sunspots"};
  o.date_columns = {"Month"};
  o.calendar = {CalendarFeature::Month};
  const ForecastData data = prepare_forecast_data(path, o, {24, 6}, ScaleKind::Standard);
  const TimeSeries& s = data.series;
  EXPECT_EQ(s.rows(), 2820);
  EXPECT_EQ(s.dates.front().to_string(), "1749-01");
  EXPECT_EQ(s.dates.back().to_string(), "1983-12");
  EXPECT_EQ(s.value(0, 0), 58.0);  // "1749-01",58.0
  EXPECT_EQ(s.value(2819, 0), 33.4);
  EXPECT_EQ(s.input_names(), (std::vector<std::string>{"Sunspots", "month_sin", "month_cos"}));
  EXPECT_EQ(dates_after(s, 2)[1].to_string(), "1984-02");
  EXPECT_EQ(data.test.size(), static_cast<size_t>(282 - 30 + 1));  // floor(0.9 * 2820) = 2538 -> 282 test rows
}

TEST(ForecastRealFiles, DailyMinimumTemperatures) {
  const std::string path = data_file("daily-min-temperatures.csv");
  SKIP_WITHOUT(path);
  TimeSeriesOptions o;
  o.targets = {"Temp"};
  o.date_columns = {"Date"};
  o.calendar = {CalendarFeature::Weekday};
  const TimeSeries s = load_time_series(path, o);
  EXPECT_EQ(s.rows(), 3650);
  EXPECT_EQ(s.value(0, 0), 20.7);
  EXPECT_EQ(s.dates.back().to_string(), "1990-12-31");
  EXPECT_EQ(dates_after(s, 1)[0].to_string(), "1991-01-01");
}

double number(const std::string& cell) {
  double v = 0;
  std::from_chars(cell.data(), cell.data() + cell.size(), v);
  return v;
}

TEST(ForecastRealFiles, PollutionWithItsGapsAndWindDirection) {
  const std::string path = data_file("pollution.csv");
  SKIP_WITHOUT(path);
  TimeSeriesOptions o;
  o.targets = {"pm2.5"};
  o.features = {"DEWP", "TEMP", "PRES", "Iws", "Is", "Ir"};
  o.date_columns = {"year", "month", "day", "hour"};
  o.categorical = {"cbwd"};
  o.calendar = {CalendarFeature::Hour, CalendarFeature::Weekday};

  try {  // Under the default policy the first NA is named.
    load_time_series(path, o);
    FAIL() << "pollution.csv has NAs";
  } catch (const DataError& e) {
    EXPECT_EQ(e.row, 2);
    EXPECT_EQ(e.column, "pm2.5");
  }

  const CsvTable raw = read_csv_file(path);
  const int64_t pm = raw.find_column("pm2.5");
  for (const MissingPolicy policy : {MissingPolicy::ForwardFill, MissingPolicy::Interpolate}) {
    o.missing = policy;
    const TimeSeries s = build_time_series(raw, o);
    EXPECT_EQ(s.rows_dropped, 24);  // the first day has no reading to fill from
    EXPECT_EQ(s.rows(), 43824 - 24);
    EXPECT_EQ(s.cells_filled, 2067 - 24);
    EXPECT_EQ(s.dates.front().to_string(), "2010-01-02 00:00");
    EXPECT_EQ(s.encoded_names, (std::vector<std::string>{"cbwd=NE", "cbwd=NW", "cbwd=SE", "cbwd=cv", "hour_sin",
                                                         "hour_cos", "weekday_sin", "weekday_cos"}));
    // Observed values are kept; filled ones lie between their neighbours.
    for (int64_t r = 0; r < s.rows(); ++r) {
      const std::string& cell = raw.rows[r + 24][pm];
      const double v = s.value(r, 0);
      ASSERT_TRUE(std::isfinite(v));
      if (cell != "NA") {
        ASSERT_EQ(v, number(cell)) << "row " << r;
      } else {
        int64_t next = r + 1;
        while (next < s.rows() && raw.rows[next + 24][pm] == "NA") ++next;
        const double before = s.value(r - 1, 0);
        const double after = next < s.rows() ? number(raw.rows[next + 24][pm]) : before;
        ASSERT_GE(v, std::min(before, after)) << "row " << r;
        ASSERT_LE(v, std::max(before, after)) << "row " << r;
        if (policy == MissingPolicy::ForwardFill) {
          ASSERT_EQ(v, before);
        }
      }
    }
    // One-hot rows have exactly one 1 (every level appears in training).
    for (int64_t r = 0; r < s.rows(); r += 97) {
      double sum = 0;
      for (int64_t e = 0; e < 4; ++e) sum += s.encoded[r * s.encoded_width() + e];
      ASSERT_EQ(sum, 1.0);
    }
  }
}

}  // namespace
}  // namespace recur
