// Baselines and error metrics against values worked out by hand on tiny series.
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>

#include <sstream>
#include <string>

#include "recur/forecast_baselines.h"
#include "recur/forecast_metrics.h"

namespace recur {
namespace {

std::string fmt_number(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

TimeSeries series_from(const std::vector<std::vector<double>>& targets) {
  std::string csv;
  for (size_t k = 0; k < targets.size(); ++k) {
    csv += fmt::format("{}y{}", k > 0 ? "," : "", k);
  }
  csv += '\n';
  for (size_t r = 0; r < targets[0].size(); ++r) {
    for (size_t k = 0; k < targets.size(); ++k) {
      if (k > 0) csv += ',';
      csv += fmt_number(targets[k][r]);
    }
    csv += '\n';
  }
  TimeSeriesOptions o;
  for (size_t k = 0; k < targets.size(); ++k) o.targets.push_back(fmt::format("y{}", k));
  o.split = {0, 0};
  return build_time_series(parse_csv(csv, "tiny.csv"), o);
}

std::vector<double> flat(const Tensor<double>& t) { return t.values(); }

// y = 1 3 2 5 4 6 8 7 (rows 0..7); lookback 3, horizon 2; windows at 0, 2, 3.
const std::vector<double> kTiny = {1, 3, 2, 5, 4, 6, 8, 7};
const std::vector<int64_t> kStarts = {0, 2, 3};
const WindowShape kShape{3, 2};

TEST(ForecastBaselines, ActualsArePastTheLookback) {
  const TimeSeries s = series_from({kTiny});
  const Tensor<double> actual = actual_targets(s, kStarts, kShape);
  EXPECT_EQ(actual.shape(), (Shape{3, 2, 1}));
  EXPECT_EQ(flat(actual), (std::vector<double>{5, 4, 6, 8, 8, 7}));
}

TEST(ForecastBaselines, PersistenceRepeatsTheLastObservedValue) {
  const TimeSeries s = series_from({kTiny});
  EXPECT_EQ(flat(persistence_forecast(s, kStarts, kShape)), (std::vector<double>{2, 2, 4, 4, 6, 6}));
}

TEST(ForecastBaselines, SeasonalNaiveTakesTheValueOneSeasonAgo) {
  const TimeSeries s = series_from({kTiny});
  // Season 2: rows o-1, o (origin o = s + 2): s=0 rows 1, 2; s=2 rows 3, 4; s=3 rows 4, 5.
  EXPECT_EQ(flat(seasonal_naive_forecast(s, kStarts, kShape, 2)), (std::vector<double>{3, 2, 5, 4, 4, 6}));
  // Season 3: rows o-2, o-1: s=0 rows 0, 1; s=2 rows 2, 3; s=3 rows 3, 4.
  EXPECT_EQ(flat(seasonal_naive_forecast(s, kStarts, kShape, 3)), (std::vector<double>{1, 3, 2, 5, 5, 4}));
  // Season 1 is persistence.
  EXPECT_EQ(flat(seasonal_naive_forecast(s, kStarts, kShape, 1)), (std::vector<double>{2, 2, 4, 4, 6, 6}));
  // Season 5 for the window at 0 needs row -2 (it may reach before the window: s=3 uses rows 1 and 2).
  EXPECT_EQ(flat(seasonal_naive_forecast(s, std::vector<int64_t>{3}, kShape, 5)), (std::vector<double>{3, 2}));
  EXPECT_THROW(seasonal_naive_forecast(s, kStarts, kShape, 5), std::invalid_argument);
  EXPECT_THROW(seasonal_naive_forecast(s, kStarts, kShape, 0), std::invalid_argument);
}

TEST(ForecastBaselines, LinearAutoregressionLeastSquaresByHand) {
  // Lookback 1, horizon 1 on y = 0 1 1 4: pairs (0, 1), (1, 1), (1, 4).
  // mean x = 2/3, mean y = 2, Sxx = 2/3, Sxy = 1: w = 1.5, b = 2 - 1.5 * 2/3 = 1.
  const TimeSeries s = series_from({{0, 1, 1, 4}});
  const LinearAutoregression ar = LinearAutoregression::fit(s, std::vector<int64_t>{0, 1, 2}, {1, 1});
  ASSERT_EQ(ar.weights().size(), 1u);
  EXPECT_NEAR(ar.weights()[0], 1.5, 1e-6);
  EXPECT_NEAR(ar.intercepts()[0], 1.0, 1e-6);
  // From row 3 (y = 4): 1 + 1.5 * 4 = 7; the window needs only its lookback row.
  EXPECT_NEAR(ar.forecast(s, std::vector<int64_t>{3})[0], 7.0, 1e-5);
}

TEST(ForecastBaselines, LinearAutoregressionRecoversAnExactDirectModel) {
  // y[t+1] = 2 y[t] + 1, so y[t+2] = 4 y[t] + 3: horizon step 0 has (w, b) = (2, 1), step 1 (4, 3).
  const TimeSeries s = series_from({{1, 3, 7, 15, 31, 63}});
  const WindowShape shape{1, 2};
  const LinearAutoregression ar = LinearAutoregression::fit(s, std::vector<int64_t>{0, 1, 2, 3}, shape);
  EXPECT_NEAR(ar.weights()[0], 2, 1e-6);
  EXPECT_NEAR(ar.weights()[1], 4, 1e-6);
  EXPECT_NEAR(ar.intercepts()[0], 1, 1e-5);
  EXPECT_NEAR(ar.intercepts()[1], 3, 1e-5);
}

TEST(ForecastBaselines, LinearAutoregressionOverSeveralTargets) {
  // Two targets, lookback 2: a is Fibonacci (a[t+1] = a[t-1] + a[t]), b rises by 1
  // (b[t+1] = b[t] + 1, collinear with the intercept: the ridge keeps it solvable).
  const std::vector<double> a = {1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
  const std::vector<double> b = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  const TimeSeries s = series_from({a, b});
  const WindowShape shape{2, 1};
  const std::vector<int64_t> starts = {0, 1, 2, 3, 4, 5, 6, 7};
  const LinearAutoregression ar = LinearAutoregression::fit(s, starts, shape);
  const Tensor<double> forecast = ar.forecast(s, std::vector<int64_t>{8});  // rows 8, 9 -> row 10 (not in the file)
  EXPECT_NEAR(forecast[0], 34 + 55, 1e-3);
  EXPECT_NEAR(forecast[1], 14, 1e-3);
  const Tensor<double> fitted = ar.forecast(s, starts);
  const Tensor<double> actual = actual_targets(s, starts, shape);
  for (int64_t i = 0; i < actual.numel(); ++i) EXPECT_NEAR(fitted[i], actual[i], 1e-3) << i;
}

TEST(ForecastMetrics, HandComputedPerStepAndOverall) {
  // Window 0: actual (2, 0), forecast (3, 1); window 1: actual (4, -2), forecast (2, -2).
  Tensor<double> actual({2, 2, 1}), forecast({2, 2, 1});
  actual.values() = {2, 0, 4, -2};
  forecast.values() = {3, 1, 2, -2};
  const ForecastMetrics m = forecast_metrics(forecast, actual);
  EXPECT_DOUBLE_EQ(m.overall.rmse, std::sqrt(1.5));
  EXPECT_DOUBLE_EQ(m.overall.mae, 1.0);
  EXPECT_DOUBLE_EQ(m.overall.mape, 1.0 / 3.0);  // the zero actual is skipped: (1/2 + 2/4 + 0) / 3
  EXPECT_EQ(m.overall.mape_count, 3);
  EXPECT_DOUBLE_EQ(m.overall.smape, (2.0 / 5 + 2.0 / 1 + 4.0 / 6 + 0) / 4);
  ASSERT_EQ(m.per_step.size(), 2u);
  EXPECT_DOUBLE_EQ(m.per_step[0].rmse, std::sqrt(2.5));
  EXPECT_DOUBLE_EQ(m.per_step[0].mae, 1.5);
  EXPECT_DOUBLE_EQ(m.per_step[0].mape, 0.5);
  EXPECT_DOUBLE_EQ(m.per_step[0].smape, (2.0 / 5 + 4.0 / 6) / 2);
  EXPECT_DOUBLE_EQ(m.per_step[1].rmse, std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(m.per_step[1].mape, 0.0);
  EXPECT_EQ(m.per_step[1].mape_count, 1);
  EXPECT_DOUBLE_EQ(m.per_step[1].smape, 1.0);
  ASSERT_EQ(m.per_target.size(), 1u);
  EXPECT_DOUBLE_EQ(m.per_target[0].mae, 1.0);
  const nlohmann::json json = m.to_json();
  EXPECT_DOUBLE_EQ(json["overall"]["mae"].get<double>(), 1.0);
  EXPECT_EQ(json["per_step"].size(), 2u);
}

TEST(ForecastMetrics, AllZeroActualsHaveNoMapeAndAPerfectZeroHasNoSmapeError) {
  Tensor<double> zeros({1, 1, 1});
  const ForecastMetrics m = forecast_metrics(zeros, zeros);
  EXPECT_TRUE(std::isnan(m.overall.mape));
  EXPECT_EQ(m.overall.mape_count, 0);
  EXPECT_EQ(m.overall.smape, 0.0);
  EXPECT_TRUE(m.to_json()["overall"]["mape"].is_null());
  EXPECT_THROW(forecast_metrics(zeros, Tensor<double>({1, 2, 1})), std::invalid_argument);
}

}  // namespace
}  // namespace recur
