// Forecaster: a trained ForecastModel together with everything needed to use
// it on a CSV file — the time-series options (with the categorical levels and
// the feature columns fixed at training), the window shape and the Scaler
// fitted on the training rows. What `recur forecast train` saves and `eval` /
// `predict` load. In a checkpoint's "recur.model":
//   {"task": "forecast", "config": ForecastModelConfig, "lookback": L, "horizon": H,
//    "options": TimeSeriesOptions, "scaler": Scaler, "inputs": [F names], "targets": [T names]}
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "recur/checkpoint.h"
#include "recur/forecast_data.h"
#include "recur/forecast_model.h"
#include "recur/window_batcher.h"

namespace recur {

// The task name a forecaster's checkpoints carry.
inline constexpr const char* kForecastTask = "forecast";

struct Forecaster {
  std::unique_ptr<ForecastModel<float>> model;
  TimeSeriesOptions options;
  WindowShape shape;
  Scaler scaler;
  std::vector<std::string> input_names, target_names;

  // The options a trained model must be used with: `series`'s categorical
  // levels, and its numeric columns as the explicit feature list (so that a
  // file with more columns is read the same way).
  static TimeSeriesOptions fixed_options(TimeSeriesOptions options, const TimeSeries& series);

  nlohmann::json describe() const;
  // Builds the forecaster a checkpoint describes and loads its parameters;
  // FormatError naming the file for anything that does not fit.
  static Forecaster from_checkpoint(const Checkpoint& checkpoint);

  // The series of a file read as this forecaster reads it, with its scaler;
  // `split` overrides the recorded fractions ({0, 0}: the whole file is
  // "train"). Throws DataError when its input columns are not the model's.
  ForecastData read(const std::string& path, const SplitFractions& split, bool check_length = true) const;

  // Forecasts of the windows at `starts`, in original units [W, H, T];
  // `also`, when given, sees each batch with its scaled forecast as well.
  Tensor<double> forecast(
      const TimeSeries& series, std::span<const int64_t> starts, int64_t batch = 256,
      const std::function<void(const WindowBatch&, const Tensor<float>&)>& also = nullptr);
  // The forecast of the `horizon` rows after the end of the series, from its
  // last `lookback` rows: [1, H, T] in original units. Calendar inputs of the
  // future rows come from their dates (dates_after).
  Tensor<double> forecast_after_end(const TimeSeries& series);
};

// Runs `model` over the windows at `starts` in time order, `batch` at a time,
// and hands each batch with its scaled forecast [B, H, T] to `use`.
void forecast_windows(ForecastModel<float>& model, const TimeSeries& series, const Scaler& scaler,
                      std::span<const int64_t> starts, const WindowShape& shape, int64_t batch,
                      const std::function<void(const WindowBatch&, const Tensor<float>&)>& use);

}  // namespace recur
