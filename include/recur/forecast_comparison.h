// A forecaster beside the three baselines (forecast_baselines.h) on the same
// windows: what `recur forecast eval` prints and what the forecast section of
// `recur report` draws, computed by one piece of code.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recur/checkpoint.h"
#include "recur/forecast_metrics.h"
#include "recur/forecaster.h"

namespace recur {

// The season of seasonal naive when none is given: a year of months, a week
// of days, a day of hours (from the dates' step); otherwise 1 (persistence).
int64_t default_season(const TimeSeries& series);

// The windows seasonal naive can forecast: it reads `season` rows back from
// each forecast origin, so windows too close to the start of the file are
// left out, for every method alike.
std::vector<int64_t> windows_with_season(std::span<const int64_t> starts, const WindowShape& shape, int64_t season);

// The CSV file a forecaster's checkpoint records it was trained on ("" if none).
std::string trained_data_path(const Checkpoint& checkpoint);

struct ForecastComparison {
  std::vector<int64_t> starts;  // the windows compared
  int64_t season = 1;
  // [windows, horizon, T], original units.
  Tensor<double> actual, model, persistence, seasonal, linear;

  ForecastMetrics metrics(const Tensor<double>& forecast) const { return forecast_metrics(forecast, actual); }
};

// The forecasts of `forecaster` and of the baselines on `series` at `starts`
// (already windows_with_season). The linear baseline is fitted on the training
// windows of `trained`, the run's own file split as in training.
ForecastComparison compare_forecasts(Forecaster& forecaster, const ForecastData& trained, const TimeSeries& series,
                                     std::vector<int64_t> starts, int64_t season);

}  // namespace recur
