// TimeSeries from CSV text: column choice, dates, missing values, one-hot and
// calendar columns, and every bad input refused naming file, row and column.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "recur/data_error.h"
#include "recur/forecast_windows.h"
#include "recur/time_series.h"

namespace recur {
namespace {

TimeSeries series_of(const std::string& csv, const TimeSeriesOptions& options) {
  return build_time_series(parse_csv(csv, "ts.csv"), options);
}

TimeSeriesOptions options_for(std::vector<std::string> targets, std::vector<std::string> date = {}) {
  TimeSeriesOptions o;
  o.targets = std::move(targets);
  o.date_columns = std::move(date);
  o.split = {0, 0};
  return o;
}

DataError series_error(const std::string& csv, const TimeSeriesOptions& options) {
  try {
    series_of(csv, options);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << csv;
  return DataError("", 0, "", "");
}

std::vector<double> numeric_column(const TimeSeries& s, int64_t c) {
  std::vector<double> column;
  for (int64_t r = 0; r < s.rows(); ++r) column.push_back(s.value(r, c));
  return column;
}

TEST(TimeSeries, TargetsFirstThenEveryOtherNumericColumnDateKeptApart) {
  const TimeSeries s = series_of("date,a,label,b\n2020-01,1,x,10\n2020-02,2,y,20\n2020-03,3,z,30\n",
                                 options_for({"b"}, {"date"}));
  EXPECT_EQ(s.numeric_names, (std::vector<std::string>{"b", "a"}));  // 'label' is text, 'date' the date
  EXPECT_EQ(s.target_count, 1);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{10, 20, 30}));
  EXPECT_EQ(numeric_column(s, 1), (std::vector<double>{1, 2, 3}));
  ASSERT_EQ(s.dates.size(), 3u);
  EXPECT_EQ(s.dates[2].to_string(), "2020-03");
  EXPECT_EQ(s.input_names(), (std::vector<std::string>{"b", "a"}));

  TimeSeriesOptions no_target_input = options_for({"b"}, {"date"});
  no_target_input.features = {"a"};
  no_target_input.targets_as_inputs = false;
  const TimeSeries t = series_of("date,a,label,b\n2020-01,1,x,10\n", no_target_input);
  EXPECT_EQ(t.input_names(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(t.input_width(), 1);
}

TEST(TimeSeries, UnknownTargetOrFeatureNameIsNamed) {
  const DataError target = series_error("a,b\n1,2\n", options_for({"c"}));
  EXPECT_EQ(target.file, "ts.csv");
  EXPECT_EQ(target.row, 1);
  EXPECT_EQ(target.column, "c");
  EXPECT_NE(std::string(target.what()).find("--target"), std::string::npos);
  TimeSeriesOptions o = options_for({"a"});
  o.features = {"b", "nope"};
  const DataError feature = series_error("a,b\n1,2\n", o);
  EXPECT_EQ(feature.column, "nope");
  EXPECT_NE(std::string(feature.what()).find("--features"), std::string::npos);
}

TEST(TimeSeries, DateColumnIsNeverAFeature) {
  TimeSeriesOptions o = options_for({"a"}, {"year"});
  o.features = {"year"};
  const DataError e = series_error("year,a\n2000,1\n", o);
  EXPECT_EQ(e.column, "year");
  EXPECT_NE(std::string(e.what()).find("--calendar"), std::string::npos);
}

TEST(TimeSeries, NonNumericValueNamesRowAndColumn) {
  const DataError e = series_error("Date,Temp\n1981-01-01,20.7\n1981-01-02,?0.2\n", options_for({"Temp"}, {"Date"}));
  EXPECT_EQ(e.file, "ts.csv");
  EXPECT_EQ(e.row, 3);
  EXPECT_EQ(e.column, "Temp");
  EXPECT_NE(std::string(e.what()).find("'?0.2' is not a number"), std::string::npos) << e.what();
}

TEST(TimeSeries, MissingValueUnderErrorNamesRowAndColumn) {
  for (const std::string missing : {"NA", "NaN", "", " NA "}) {
    const DataError e = series_error("t,x,y\n1,1,1\n2,2," + missing + "\n3,3,3\n", options_for({"x"}));
    EXPECT_EQ(e.row, 3) << "'" << missing << "'";
    EXPECT_EQ(e.column, "y");
    EXPECT_NE(std::string(e.what()).find("--missing"), std::string::npos);
  }
}

TEST(TimeSeries, UnparseableDateNamesRowAndColumn) {
  for (const std::string bad : {"1981-13-01", "1981-02-30", "81-01-01", "1981-01-01 25:00", "yesterday"}) {
    const DataError e = series_error("d,x\n1981-01-01,1\n" + bad + ",2\n", options_for({"x"}, {"d"}));
    EXPECT_EQ(e.row, 3) << bad;
    EXPECT_EQ(e.column, "d");
    EXPECT_NE(std::string(e.what()).find("not a date"), std::string::npos);
  }
}

TEST(TimeSeries, DatesOutOfOrderAreRefusedUnlessAllowedThenSorted) {
  const std::string csv = "d,x\n2000-01-03,3\n2000-01-01,1\n2000-01-02,2\n";
  const DataError e = series_error(csv, options_for({"x"}, {"d"}));
  EXPECT_EQ(e.row, 3);
  EXPECT_EQ(e.column, "d");
  EXPECT_NE(std::string(e.what()).find("--allow-unsorted"), std::string::npos);
  TimeSeriesOptions o = options_for({"x"}, {"d"});
  o.allow_unsorted = true;
  const TimeSeries s = series_of(csv, o);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(s.file_rows, (std::vector<int64_t>{3, 4, 2}));
  // Equal times (a repeated hour) are in order.
  EXPECT_NO_THROW(series_of("d,x\n2000-01-01 01:00,1\n2000-01-01 01:00,2\n", options_for({"x"}, {"d"})));
}

TEST(TimeSeries, DateAssembledFromColumnsLikePollutionCsv) {
  const TimeSeries s = series_of("No,year,month,day,hour,pm\n1,2010,1,1,22,5\n2,2010,1,1,23,6\n3,2010,1,2,0,7\n",
                                 options_for({"pm"}, {"year", "month", "day", "hour"}));
  EXPECT_EQ(s.numeric_names, (std::vector<std::string>{"pm", "No"}));
  ASSERT_EQ(s.dates.size(), 3u);
  EXPECT_EQ(s.dates[2].to_string(), "2010-01-02 00:00");
  EXPECT_EQ(s.dates[2].precision, DatePrecision::Hour);
  const DataError e = series_error("year,month,day,v\n2010,2,30,1\n", options_for({"v"}, {"year", "month", "day"}));
  EXPECT_EQ(e.row, 2);
  EXPECT_EQ(e.column, "year,month,day");
}

// x: 1, NA, NA, 4, NA, 10 over six rows.
const std::string kGappy = "t,x\n1,1\n2,NA\n3,NA\n4,4\n5,NA\n6,10\n";

TEST(TimeSeries, DropRemovesRowsWithMissingCells) {
  TimeSeriesOptions o = options_for({"x"});
  o.missing = MissingPolicy::Drop;
  const TimeSeries s = series_of(kGappy, o);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{1, 4, 10}));
  EXPECT_EQ(s.file_rows, (std::vector<int64_t>{2, 5, 7}));
  EXPECT_EQ(s.rows_dropped, 3);
}

TEST(TimeSeries, ForwardFillCarriesTheLastValue) {
  TimeSeriesOptions o = options_for({"x"});
  o.missing = MissingPolicy::ForwardFill;
  const TimeSeries s = series_of(kGappy, o);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{1, 1, 1, 4, 4, 10}));
  EXPECT_EQ(s.cells_filled, 3);
}

TEST(TimeSeries, InterpolateIsLinearInTheRowIndex) {
  TimeSeriesOptions o = options_for({"x"});
  o.missing = MissingPolicy::Interpolate;
  const TimeSeries s = series_of(kGappy, o);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{1, 2, 3, 4, 7, 10}));
}

TEST(TimeSeries, InterpolateNeverReachesIntoALaterSplitPart) {
  // Ten rows, validation 0.3: train rows 0..6, validation 7..9. Row 6 (train)
  // is missing and the next value, row 7, is in validation: it must not be
  // used, so row 6 carries row 5 forward. Row 8 (validation) interpolates.
  TimeSeriesOptions o = options_for({"x"});
  o.missing = MissingPolicy::Interpolate;
  o.split = {0.3, 0};
  const TimeSeries s = series_of("t,x\n0,0\n1,1\n2,2\n3,3\n4,4\n5,5\n6,NA\n7,100\n8,NA\n9,120\n", o);
  EXPECT_EQ(s.split.train_end, 7);
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{0, 1, 2, 3, 4, 5, 5, 100, 110, 120}));
}

TEST(TimeSeries, LeadingRowsWithNothingToFillFromAreDropped) {
  TimeSeriesOptions o = options_for({"pm"});
  o.missing = MissingPolicy::ForwardFill;
  const TimeSeries s = series_of("t,pm,temp\n1,NA,5\n2,NA,6\n3,7,NA\n4,8,9\n", o);
  EXPECT_EQ(s.rows_dropped, 2);
  EXPECT_EQ(s.file_rows, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(numeric_column(s, 0), (std::vector<double>{7, 8}));
  // temp's NA on row 4 is filled from row 3, which is dropped but is history.
  EXPECT_EQ(numeric_column(s, 2), (std::vector<double>{6, 9}));
  EXPECT_EQ(s.cells_filled, 1);
}

TEST(TimeSeries, CategoricalLevelsComeFromTrainingRowsOnly) {
  // Train rows 0..5 (validation 0.25 of 8 = 2 rows): levels NW, SE; 'cv' first
  // appears in validation, so it has no column and encodes as zeros.
  TimeSeriesOptions o = options_for({"v"});
  o.categorical = {"wind"};
  o.split = {0.25, 0};
  const TimeSeries s =
      series_of("v,wind\n1,SE\n2,NW\n3,NW\n4,SE\n5,NW\n6,SE\n7,cv\n8,NW\n", o);
  EXPECT_EQ(s.encoded_names, (std::vector<std::string>{"wind=NW", "wind=SE"}));
  EXPECT_EQ(s.categories.at("wind"), (std::vector<std::string>{"NW", "SE"}));
  const std::vector<double> expected = {0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0};
  EXPECT_EQ(s.encoded, expected);
  EXPECT_EQ(s.input_names(), (std::vector<std::string>{"v", "wind=NW", "wind=SE"}));
  // A checkpoint's levels are used as given.
  o.categories = {{"wind", {"cv", "NW"}}};
  EXPECT_EQ(series_of("v,wind\n1,SE\n2,NW\n3,cv\n4,SE\n", o).encoded, (std::vector<double>{0, 0, 0, 1, 1, 0, 0, 0}));
}

TEST(TimeSeries, CalendarFeaturesAreSinCosOfThePeriodPosition) {
  TimeSeriesOptions o = options_for({"v"}, {"d"});
  o.calendar = {CalendarFeature::Month, CalendarFeature::Weekday, CalendarFeature::Hour};
  // 2024-04-03 is a Wednesday (weekday 2 from Monday), month 4 (position 3), hour 18.
  const TimeSeries s = series_of("d,v\n2024-04-03 18:00,1\n", o);
  EXPECT_EQ(s.encoded_names, (std::vector<std::string>{"month_sin", "month_cos", "weekday_sin", "weekday_cos",
                                                       "hour_sin", "hour_cos"}));
  const double pi = std::numbers::pi;
  const double expected[] = {std::sin(2 * pi * 3 / 12), std::cos(2 * pi * 3 / 12), std::sin(2 * pi * 2 / 7),
                             std::cos(2 * pi * 2 / 7),  std::sin(2 * pi * 18 / 24), std::cos(2 * pi * 18 / 24)};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(s.encoded[i], expected[i], 1e-12) << s.encoded_names[i];
  // Hours of monthly data do not exist.
  TimeSeriesOptions coarse = options_for({"v"}, {"d"});
  coarse.calendar = {CalendarFeature::Hour};
  const DataError e = series_error("d,v\n2024-04,1\n", coarse);
  EXPECT_EQ(e.row, 2);
  EXPECT_EQ(e.column, "d");
}

TEST(TimeSeries, TooShortForTheSplitIsRefusedNamingTheFile) {
  TimeSeriesOptions o = options_for({"x"});
  o.split = {0.2, 0.2};
  std::string csv = "x\n";
  for (int i = 0; i < 20; ++i) csv += std::to_string(i) + "\n";
  const TimeSeries s = series_of(csv, o);  // train 12, validation 4, test 4 rows
  EXPECT_NO_THROW(check_series_length(s, {3, 1}));
  try {
    check_series_length(s, {3, 2});
    FAIL() << "a window of 5 rows fits no 4-row validation part";
  } catch (const DataError& e) {
    EXPECT_EQ(e.file, "ts.csv");
    EXPECT_NE(std::string(e.what()).find("validation part gets 4"), std::string::npos) << e.what();
  }
  const DataError tiny = series_error("x\n1\n2\n", o);  // parts of 0 rows
  EXPECT_EQ(tiny.file, "ts.csv");
}

TEST(TimeSeries, OptionsRoundTripThroughJson) {
  TimeSeriesOptions o = options_for({"pm2.5"}, {"year", "month"});
  o.features = {"TEMP"};
  o.categorical = {"cbwd"};
  o.calendar = {CalendarFeature::Hour, CalendarFeature::Month};
  o.missing = MissingPolicy::Interpolate;
  o.allow_unsorted = true;
  o.targets_as_inputs = false;
  o.split = {0.15, 0.05};
  o.categories = {{"cbwd", {"NE", "NW"}}};
  const TimeSeriesOptions back = TimeSeriesOptions::from_json(nlohmann::json::parse(o.to_json().dump()));
  EXPECT_EQ(back.to_json(), o.to_json());
  EXPECT_EQ(back.calendar, o.calendar);
  EXPECT_EQ(back.missing, MissingPolicy::Interpolate);
  EXPECT_EQ(back.split.validation, 0.15);
  EXPECT_THROW(TimeSeriesOptions::from_json({{"targets", {"x"}}}), std::invalid_argument);
}

}  // namespace
}  // namespace recur
