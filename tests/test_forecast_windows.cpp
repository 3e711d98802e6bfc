// Windows inside split parts, the scaler fitted on training rows only, and the
// window batcher's layout, shuffling and exact resume.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "recur/forecast_data.h"
#include "recur/window_batcher.h"
#include "test_files.h"

namespace recur {
namespace {

SplitBoundaries boundaries(int64_t train_end, int64_t validation_end, int64_t total) {
  return {train_end, validation_end, total};
}

TEST(ForecastWindows, TheHeaderExample) {
  const SplitBoundaries split = boundaries(10, 14, 18);
  const WindowShape shape{3, 1};
  EXPECT_EQ(window_starts(split, SeriesPart::Train, shape), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(window_starts(split, SeriesPart::Validation, shape), (std::vector<int64_t>{10}));
  EXPECT_EQ(window_starts(split, SeriesPart::Test, shape), (std::vector<int64_t>{14}));
  EXPECT_TRUE(window_starts(split, SeriesPart::Validation, {3, 2}).empty());
}

TEST(ForecastWindows, NoWindowCrossesASplitBoundary) {
  for (int64_t total : {12, 30, 101})
    for (double validation : {0.0, 0.1, 0.25})
      for (double test : {0.0, 0.2})
        for (int64_t lookback : {1, 3, 5})
          for (int64_t horizon : {1, 2, 4}) {
            const SplitBoundaries split = split_boundaries(total, {validation, test});
            for (const SeriesPart part : {SeriesPart::Train, SeriesPart::Validation, SeriesPart::Test}) {
              const RowRange rows = part_rows(split, part);
              const auto starts = window_starts(split, part, {lookback, horizon});
              for (const int64_t s : starts) {
                EXPECT_GE(s, rows.begin);
                EXPECT_LE(s + lookback + horizon, rows.end) << "window at " << s << " leaves its part";
              }
              const int64_t expected = std::max<int64_t>(0, rows.size() - lookback - horizon + 1);
              EXPECT_EQ(static_cast<int64_t>(starts.size()), expected);
            }
          }
}

// 20 rows: x = 1..14 in train (rows 0..13), then 1000, 2000, ... in
// validation and test, so a scaler that saw them would be far off.
std::string leaky_file(const std::filesystem::path& dir) {
  std::string csv = "day,x\n";
  for (int i = 0; i < 20; ++i)
    csv += "2000-01-" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1) + "," +
           std::to_string(i < 14 ? i + 1 : (i - 13) * 1000) + "\n";
  return testing::write_file(dir / "leaky.csv", csv).string();
}

TimeSeriesOptions leaky_options() {
  TimeSeriesOptions o;
  o.targets = {"x"};
  o.date_columns = {"day"};
  o.split = {0.15, 0.15};  // train 14 rows, validation 3, test 3
  return o;
}

TEST(ForecastScaler, SeesOnlyTheTrainingRows) {
  const auto dir = testing::fresh_directory_for_test("recur_scaler_");
  const std::string path = leaky_file(dir);
  const ForecastData standard = prepare_forecast_data(path, leaky_options(), {2, 1}, ScaleKind::Standard);
  ASSERT_EQ(standard.series.split.train_end, 14);
  // Mean of 1..14 = 7.5; population variance (n^2 - 1) / 12 = 195 / 12.
  EXPECT_DOUBLE_EQ(standard.scaler.offset(0), 7.5);
  EXPECT_NEAR(standard.scaler.scale(0), std::sqrt(195.0 / 12.0), 1e-12);
  const ForecastData minmax = prepare_forecast_data(path, leaky_options(), {2, 1}, ScaleKind::MinMax);
  EXPECT_EQ(minmax.scaler.offset(0), 1);
  EXPECT_EQ(minmax.scaler.scale(0), 13);  // max 14, not 6000
  EXPECT_EQ(standard.validation, (std::vector<int64_t>{14}));
  EXPECT_EQ(standard.test, (std::vector<int64_t>{17}));
}

TEST(ForecastScaler, HandValuesAndRoundTrip) {
  // Columns a = 1, 2, 3, 4 and b = 5, 5, 5, 5 (constant), row-major.
  const std::vector<double> m = {1, 5, 2, 5, 3, 5, 4, 5};
  const Scaler standard = Scaler::fit(ScaleKind::Standard, {"a", "b"}, m, 0, 4);
  EXPECT_DOUBLE_EQ(standard.offset(0), 2.5);
  EXPECT_DOUBLE_EQ(standard.scale(0), std::sqrt(1.25));
  EXPECT_EQ(standard.offset(1), 5);
  EXPECT_EQ(standard.scale(1), 1);  // constant: no division by zero
  EXPECT_DOUBLE_EQ(standard.transform(0, 4), 1.5 / std::sqrt(1.25));
  const Scaler rows_1_2 = Scaler::fit(ScaleKind::MinMax, {"a", "b"}, m, 1, 3);
  EXPECT_EQ(rows_1_2.offset(0), 2);
  EXPECT_EQ(rows_1_2.scale(0), 1);
  const Scaler none = Scaler::fit(ScaleKind::None, {"a", "b"}, m, 0, 4);
  EXPECT_EQ(none.transform(0, 3.25), 3.25);

  for (const Scaler& s : {standard, rows_1_2, none}) {
    std::vector<double> values = {-3.5, 7.25, 0.1, 1e6};
    s.transform_rows(values, 2);
    s.inverse_rows(values, 2);
    const std::vector<double> original = {-3.5, 7.25, 0.1, 1e6};
    for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(values[i], original[i], 1e-9 * std::abs(original[i]));
    const Scaler back = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
    EXPECT_EQ(back.kind(), s.kind());
    EXPECT_EQ(back.names(), s.names());
    for (int64_t c = 0; c < 2; ++c) {
      EXPECT_EQ(back.offset(c), s.offset(c));  // exactly: JSON keeps every bit
      EXPECT_EQ(back.scale(c), s.scale(c));
    }
  }
  Tensor<float> scaled({1, 2, 1});
  scaled[0] = 1.0f, scaled[1] = -2.0f;
  const Tensor<double> original = standard.inverse_targets(scaled);
  EXPECT_EQ(original.shape(), scaled.shape());
  EXPECT_DOUBLE_EQ(original[1], -2.0 * std::sqrt(1.25) + 2.5);

  nlohmann::json bad = standard.to_json();
  bad["columns"][0]["scale"] = 0.0;
  EXPECT_THROW(Scaler::from_json(bad), std::invalid_argument);
  EXPECT_THROW(Scaler::fit(ScaleKind::Standard, {"a", "b"}, m, 2, 2), std::invalid_argument);
}

// Target x = 10 * row, feature y = row, plus a one-hot column; no scaling.
TimeSeries small_series(int64_t rows) {
  std::string csv = "x,y,c\n";
  for (int64_t r = 0; r < rows; ++r) csv += std::to_string(10 * r) + "," + std::to_string(r) + (r % 2 ? ",odd\n" : ",even\n");
  TimeSeriesOptions o;
  o.targets = {"x"};
  o.categorical = {"c"};
  o.split = {0, 0};
  return build_time_series(parse_csv(csv, "small.csv"), o);
}

TEST(WindowBatcher, BatchLayoutIsTimeMajorInputsAndBatchFirstTargets) {
  const TimeSeries s = small_series(8);
  const Scaler none = fit_training_scaler(s, ScaleKind::None);
  WindowBatcher batcher(s, none, {1, 4}, {2, 2}, 2, false, 7);
  WindowBatch batch;
  ASSERT_TRUE(batcher.next(batch));
  // Inputs [lookback 2, B 2, F 4]: x, y, c=even, c=odd.
  ASSERT_EQ(batch.inputs.shape(), (Shape{2, 2, 4}));
  const std::vector<float> inputs = {10, 1, 0, 1, 40, 4, 1, 0,   // t = 0: rows 1 and 4
                                     20, 2, 1, 0, 50, 5, 0, 1};  // t = 1: rows 2 and 5
  EXPECT_EQ(batch.inputs.values(), inputs);
  ASSERT_EQ(batch.targets.shape(), (Shape{2, 2, 1}));
  EXPECT_EQ(batch.targets.values(), (std::vector<float>{30, 40, 60, 70}));  // rows 3, 4 and 6, 7
  ASSERT_EQ(batch.future_inputs.shape(), (Shape{2, 2, 4}));
  EXPECT_EQ(batch.future_inputs[0], 30);  // h = 0, b = 0: row 3
  EXPECT_EQ(batch.future_inputs[4 + 1], 6);  // h = 0, b = 1: row 6, y
  EXPECT_EQ(batch.starts, (std::vector<int64_t>{1, 4}));
  EXPECT_FALSE(batcher.next(batch));
  EXPECT_THROW(WindowBatcher(s, none, {5}, {2, 2}, 2, false, 7), std::invalid_argument);  // rows 5..8 of 8
}

TEST(WindowBatcher, ScalesNumericColumnsOnly) {
  const TimeSeries s = small_series(6);
  const Scaler minmax = Scaler::fit(ScaleKind::MinMax, s.numeric_names, s.numeric, 0, 5);  // x 0..40, y 0..4
  WindowBatcher batcher(s, minmax, {0}, {1, 1}, 1, false, 0);
  WindowBatch batch;
  ASSERT_TRUE(batcher.next(batch));
  EXPECT_EQ(batch.inputs.values(), (std::vector<float>{0, 0, 1, 0}));
  EXPECT_FLOAT_EQ(batch.targets[0], 0.25f);  // row 1: x = 10 of 0..40
}

std::vector<int64_t> one_epoch(WindowBatcher& batcher) {
  std::vector<int64_t> seen;
  WindowBatch batch;
  while (batcher.next(batch)) seen.insert(seen.end(), batch.starts.begin(), batch.starts.end());
  return seen;
}

TEST(WindowBatcher, ShufflesEachEpochDeterministicallyAndResumesExactly) {
  const TimeSeries s = small_series(40);
  const Scaler none = fit_training_scaler(s, ScaleKind::None);
  const auto starts = window_starts(s.split, SeriesPart::Train, {3, 2});  // 36 windows
  WindowBatcher a(s, none, starts, {3, 2}, 5, true, 42), b(s, none, starts, {3, 2}, 5, true, 42);
  EXPECT_EQ(a.batches_per_epoch(), 8);
  const auto epoch0 = one_epoch(a);
  EXPECT_EQ(epoch0, one_epoch(b));  // same seed, same order
  std::vector<int64_t> sorted = epoch0;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, starts);  // every window once
  EXPECT_NE(epoch0, starts);  // and shuffled
  a.start_next_epoch();
  const auto epoch1 = one_epoch(a);
  EXPECT_NE(epoch1, epoch0);

  // Resume in the middle of epoch 1 from the saved position alone.
  WindowBatcher c(s, none, starts, {3, 2}, 5, true, 42);
  c.set_position({1, 0});
  WindowBatch batch;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.next(batch));
  const nlohmann::json saved = c.position().to_json();
  WindowBatcher resumed(s, none, starts, {3, 2}, 5, true, 42);
  resumed.set_position(BatchPosition::from_json(saved));
  EXPECT_EQ(resumed.position().index, 15);
  const auto rest = one_epoch(resumed);
  EXPECT_EQ(rest, std::vector<int64_t>(epoch1.begin() + 15, epoch1.end()));
  EXPECT_THROW(resumed.set_position({0, 37}), std::out_of_range);
}

}  // namespace
}  // namespace recur
