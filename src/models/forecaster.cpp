#include "recur/forecaster.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>

#include "recur/calendar_features.h"
#include "recur/data_error.h"

namespace recur {

TimeSeriesOptions Forecaster::fixed_options(TimeSeriesOptions options, const TimeSeries& series) {
  options.categories = series.categories;
  options.features.assign(series.numeric_names.begin() + series.target_count, series.numeric_names.end());
  return options;
}

nlohmann::json Forecaster::describe() const {
  return {{"task", kForecastTask},
          {"config", model->config().to_json()},
          {"lookback", shape.lookback},
          {"horizon", shape.horizon},
          {"options", options.to_json()},
          {"scaler", scaler.to_json()},
          {"inputs", input_names},
          {"targets", target_names}};
}

Forecaster Forecaster::from_checkpoint(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  require_task(checkpoint, kForecastTask, "a forecaster");
  const nlohmann::json& d = checkpoint.model;
  Forecaster f;
  ForecastModelConfig config;
  try {
    config = ForecastModelConfig::from_json(d.at("config"));
    f.shape = {d.at("lookback").get<int64_t>(), d.at("horizon").get<int64_t>()};
    f.shape.validate();
    f.options = TimeSeriesOptions::from_json(d.at("options"));
    f.scaler = Scaler::from_json(d.at("scaler"));
    f.input_names = d.at("inputs").get<std::vector<std::string>>();
    f.target_names = d.at("targets").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(where + ": recur.model of a forecaster is incomplete: " + e.what());
  } catch (const std::exception& e) {
    throw FormatError(where + ": " + e.what());
  }
  if (static_cast<int64_t>(f.input_names.size()) != config.input_size ||
      static_cast<int64_t>(f.target_names.size()) != config.targets || config.horizon != f.shape.horizon)
    throw FormatError(fmt::format("{}: the model's configuration ({} inputs, {} targets, horizon {}) does not match "
                                  "its columns ({} inputs, {} targets) and horizon {}",
                                  where, config.input_size, config.targets, config.horizon, f.input_names.size(),
                                  f.target_names.size(), f.shape.horizon));
  const ParameterBudget budget = parameter_budget(checkpoint);
  Rng unused(0);  // every parameter is overwritten below
  f.model = std::make_unique<ForecastModel<float>>(config, unused);
  load_parameters(checkpoint, f.model->parameters());
  return f;
}

ForecastData Forecaster::read(const std::string& path, const SplitFractions& split, bool check_length) const {
  TimeSeriesOptions o = options;
  o.split = split;
  ForecastData data = prepare_forecast_data(path, o, shape, scaler, check_length);
  if (data.series.input_names() != input_names)
    throw DataError(path, 0, "",
                    fmt::format("its input columns ({}) are not the ones the model was trained on ({})",
                                fmt::join(data.series.input_names(), ", "), fmt::join(input_names, ", ")));
  return data;
}

void forecast_windows(ForecastModel<float>& model, const TimeSeries& series, const Scaler& scaler,
                      std::span<const int64_t> starts, const WindowShape& shape, int64_t batch,
                      const std::function<void(const WindowBatch&, const Tensor<float>&)>& use) {
  WindowBatcher batcher(series, scaler, {starts.begin(), starts.end()}, shape, batch, /*shuffle=*/false, 0);
  WindowBatch windows;
  Tensor<float> forecast;
  while (batcher.next(windows)) {
    model.forecast(windows.inputs, windows.future_inputs, forecast);
    use(windows, forecast);
  }
}

Tensor<double> Forecaster::forecast(const TimeSeries& series, std::span<const int64_t> starts, int64_t batch,
                                    const std::function<void(const WindowBatch&, const Tensor<float>&)>& also) {
  const int64_t H = shape.horizon, T = static_cast<int64_t>(target_names.size());
  Tensor<double> result({static_cast<int64_t>(starts.size()), H, T});
  int64_t done = 0;
  auto keep = [&](const WindowBatch& windows, const Tensor<float>& scaled) {
    if (also) also(windows, scaled);
    const Tensor<double> original = scaler.inverse_targets(scaled);
    std::copy_n(original.data(), original.numel(), result.data() + done * H * T);
    done += scaled.dim(0);
  };
  forecast_windows(*model, series, scaler, starts, shape, batch, keep);
  return result;
}

Tensor<double> Forecaster::forecast_after_end(const TimeSeries& series) {
  const int64_t F = model->config().input_size, H = shape.horizon;
  const int64_t start = last_window_start(series, shape);
  WindowBatcher batcher(series, scaler, {}, shape, 1, /*shuffle=*/false, 0);
  Tensor<float> inputs, future({H, 1, F}), scaled;
  const std::vector<int64_t> starts{start};
  batcher.fill_inputs(starts, inputs);
  // Only the known-ahead columns of the future rows are read: the calendar
  // columns, which are the last ones of a row (time_series.h).
  if (!options.calendar.empty()) {
    const std::vector<DateTime> dates = dates_after(series, H);
    if (static_cast<int64_t>(dates.size()) != H)
      throw DataError(series.path, 0, "", "needs at least two dated rows to date the forecast for its calendar inputs");
    for (int64_t h = 0; h < H; ++h) {
      float* row = future.data() + (h + 1) * F;
      for (auto feature = options.calendar.rbegin(); feature != options.calendar.rend(); ++feature) {
        const std::vector<double> values = calendar_values(*feature, dates[h]);
        for (auto v = values.rbegin(); v != values.rend(); ++v) *--row = static_cast<float>(*v);
      }
    }
  }
  model->forecast(inputs, future, scaled);
  return scaler.inverse_targets(scaled);
}

}  // namespace recur
