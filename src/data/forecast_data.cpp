#include "recur/forecast_data.h"

#include <fmt/format.h>

#include <stdexcept>

#include "recur/data_error.h"

namespace recur {

namespace {

ForecastData with_windows(TimeSeries series, const WindowShape& shape, Scaler scaler) {
  ForecastData data{std::move(series), shape, std::move(scaler), {}, {}, {}};
  data.train = window_starts(data.series.split, SeriesPart::Train, shape);
  data.validation = window_starts(data.series.split, SeriesPart::Validation, shape);
  data.test = window_starts(data.series.split, SeriesPart::Test, shape);
  return data;
}

}  // namespace

const std::vector<int64_t>& ForecastData::starts(SeriesPart part) const {
  switch (part) {
    case SeriesPart::Train: return train;
    case SeriesPart::Validation: return validation;
    case SeriesPart::Test: return test;
  }
  return train;
}

Scaler fit_training_scaler(const TimeSeries& series, ScaleKind scale) {
  return Scaler::fit(scale, series.numeric_names, series.numeric, 0, series.split.train_end);
}

ForecastData prepare_forecast_data(const std::string& path, const TimeSeriesOptions& options, const WindowShape& shape,
                                   ScaleKind scale) {
  TimeSeries series = load_time_series(path, options);
  check_series_length(series, shape);
  Scaler scaler = fit_training_scaler(series, scale);
  return with_windows(std::move(series), shape, std::move(scaler));
}

ForecastData prepare_forecast_data(const std::string& path, const TimeSeriesOptions& options, const WindowShape& shape,
                                   const Scaler& scaler, bool check_length) {
  TimeSeries series = load_time_series(path, options);
  if (check_length) check_series_length(series, shape);
  if (scaler.names() != series.numeric_names)
    throw DataError(path, 0, "",
                    fmt::format("the checkpoint's model reads columns {} but the file gives {}; use a file with the "
                                "columns the model was trained on",
                                fmt::join(scaler.names(), ", "), fmt::join(series.numeric_names, ", ")));
  return with_windows(std::move(series), shape, scaler);
}

int64_t last_window_start(const TimeSeries& series, const WindowShape& shape) {
  if (series.rows() < shape.lookback)
    throw DataError(series.path, 0, "",
                    fmt::format("{} rows are fewer than the lookback of {} the model needs to forecast from",
                                series.rows(), shape.lookback));
  return series.rows() - shape.lookback;
}

std::vector<DateTime> dates_after(const TimeSeries& series, int64_t count) {
  if (series.dates.size() < 2) return {};
  const DateStep step = infer_date_step(series.dates);
  std::vector<DateTime> dates;
  for (int64_t i = 1; i <= count; ++i) dates.push_back(advance(series.dates.back(), step, i));
  return dates;
}

}  // namespace recur
