#include "recur/forecast_comparison.h"

#include "recur/date_time.h"
#include "recur/forecast_baselines.h"

namespace recur {

int64_t default_season(const TimeSeries& series) {
  if (series.dates.size() < 2) return 1;
  const DateStep step = infer_date_step(series.dates);
  if (step.months == 1) return 12;
  if (step.months == 0 && step.seconds == 86400) return 7;
  if (step.months == 0 && step.seconds == 3600) return 24;
  return 1;
}

std::vector<int64_t> windows_with_season(std::span<const int64_t> starts, const WindowShape& shape, int64_t season) {
  std::vector<int64_t> kept;
  for (const int64_t s : starts)
    if (s + shape.lookback >= season) kept.push_back(s);
  return kept;
}

std::string trained_data_path(const Checkpoint& checkpoint) {
  if (checkpoint.training.contains("data") && checkpoint.training.at("data").contains("path"))
    return checkpoint.training.at("data").at("path").get<std::string>();
  return "";
}

ForecastComparison compare_forecasts(Forecaster& forecaster, const ForecastData& trained, const TimeSeries& series,
                                     std::vector<int64_t> starts, int64_t season) {
  const WindowShape& shape = forecaster.shape;
  ForecastComparison c;
  c.season = season;
  c.actual = actual_targets(series, starts, shape);
  c.model = forecaster.forecast(series, starts);
  c.persistence = persistence_forecast(series, starts, shape);
  c.seasonal = seasonal_naive_forecast(series, starts, shape, season);
  c.linear = LinearAutoregression::fit(trained.series, trained.train, shape).forecast(series, starts);
  c.starts = std::move(starts);
  return c;
}

}  // namespace recur
