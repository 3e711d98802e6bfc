// ForecastData: everything `recur forecast` needs from a CSV file, prepared in
// the one order that keeps the future out of fitting — the time series
// (time_series.h), its length checked against the window shape, the Scaler
// fitted on the training part's rows only (or the checkpoint's), and the
// window starts of each part (forecast_windows.h).
//
//   auto data = prepare_forecast_data(path, options, {lookback, horizon}, ScaleKind::Standard);
//   WindowBatcher train(data.series, data.scaler, data.train, data.shape, batch, /*shuffle=*/true, seed);
//   WindowBatch batch;
//   while (train.next(batch)) { ... }   // then train.start_next_epoch()
//   // eval: model outputs (scaled, [B, H, T]) -> data.scaler.inverse_targets(...)
//   //       vs actual_targets(data.series, data.test, data.shape) (forecast_baselines.h)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recur/date_time.h"
#include "recur/forecast_windows.h"
#include "recur/scaler.h"
#include "recur/time_series.h"

namespace recur {

struct ForecastData {
  TimeSeries series;
  WindowShape shape;
  Scaler scaler;  // over series.numeric_names
  std::vector<int64_t> train, validation, test;  // window starts of each part

  const std::vector<int64_t>& starts(SeriesPart part) const;
};

// Training: loads, checks the length (DataError), fits `scale` on the training rows.
ForecastData prepare_forecast_data(const std::string& path, const TimeSeriesOptions& options, const WindowShape& shape,
                                   ScaleKind scale);
// Evaluation and prediction: the scaler comes from the checkpoint (and so do
// the options, with their categorical levels). The length check is skipped
// when `check_length` is false (predict needs only `lookback` rows; set
// options.split to {0, 0} there, so that the whole file is one part).
ForecastData prepare_forecast_data(const std::string& path, const TimeSeriesOptions& options, const WindowShape& shape,
                                   const Scaler& scaler, bool check_length = true);

// The scaler a training run uses: fitted on rows [0, split.train_end) only.
Scaler fit_training_scaler(const TimeSeries& series, ScaleKind scale);

// The start of the window whose lookback ends at the last row (predict);
// DataError naming the file if the series has fewer than `lookback` rows.
int64_t last_window_start(const TimeSeries& series, const WindowShape& shape);

// The dates of the `count` rows after the end of the series, spaced as the
// series is (infer_date_step); empty when the series has no dates or fewer
// than two.
std::vector<DateTime> dates_after(const TimeSeries& series, int64_t count);

}  // namespace recur
