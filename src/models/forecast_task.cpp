#include "recur/forecast_task.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "recur/forecast_baselines.h"
#include "recur/forecast_metrics.h"
#include "recur/option_error.h"

namespace recur {

namespace {
constexpr int64_t kEvaluationBatch = 256;
}

std::unique_ptr<ForecastTask> ForecastTask::create(const std::string& path, const TimeSeriesOptions& options,
                                                   const WindowShape& shape, ScaleKind scale,
                                                   ForecastModelConfig model, int64_t batch, uint64_t seed) {
  if (batch < 1) throw OptionError("batch", fmt::format("batch must be >= 1, got {}", batch));
  shape.validate();
  model.horizon = shape.horizon;
  {
    // The options, checked before the file is read so that a typo costs
    // nothing; the columns are stand-ins until the file tells them.
    ForecastModelConfig options_only = model;
    options_only.input_size = options_only.targets = 1;
    options_only.known_future_begin = -1;
    options_only.validate();
  }
  if (model.autoregressive && !options.targets_as_inputs)
    throw OptionError("autoregressive", "an autoregressive model feeds its targets back, so they must be inputs");
  if (model.residual && !options.targets_as_inputs)
    throw OptionError("residual", "a residual model adds the last target value read, so the targets must be inputs");
  ForecastData data = prepare_forecast_data(path, options, shape, scale);
  const TimeSeries& series = data.series;
  model.input_size = series.input_width();
  model.targets = series.target_count;
  // The calendar columns end each input row (time_series.h); their future is known.
  model.known_future_begin = model.input_size - 2 * static_cast<int64_t>(options.calendar.size());
  Forecaster f;
  Rng init(seed);
  f.model = std::make_unique<ForecastModel<float>>(model, init);
  f.options = Forecaster::fixed_options(options, series);
  f.shape = shape;
  f.scaler = data.scaler;
  f.input_names = series.input_names();
  f.target_names = series.target_names();
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  return std::make_unique<ForecastTask>(std::move(f), std::move(data), absolute, scale, batch, seed);
}

std::unique_ptr<ForecastTask> ForecastTask::from_checkpoint(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  Forecaster f = Forecaster::from_checkpoint(checkpoint);
  std::string path;
  ScaleKind scale{};
  int64_t batch = 0, rows = 0;
  uint64_t seed = 0;
  try {
    const nlohmann::json& record = checkpoint.training.at("data");
    path = record.at("path").get<std::string>();
    scale = parse_scale_kind(record.at("scale").get<std::string>());
    batch = record.at("batch").get<int64_t>();
    seed = record.at("shuffle_seed").get<uint64_t>();
    rows = record.at("rows").get<int64_t>();
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.training does not record the forecast's data file (\"data\"): " + e.what());
  }
  ForecastData data = f.read(path, f.options.split);
  if (data.series.rows() != rows || fit_training_scaler(data.series, scale).to_json() != f.scaler.to_json())
    throw std::invalid_argument(fmt::format("the data file {} differs from the one {} was trained on ({} rows then, "
                                            "{} now, or other training values): restore that file to resume the "
                                            "run, or start a new run on this one",
                                            path, where, rows, data.series.rows()));
  return std::make_unique<ForecastTask>(std::move(f), std::move(data), path, scale, batch, seed);
}

ForecastTask::ForecastTask(Forecaster forecaster, ForecastData data, std::string path, ScaleKind scale,
                           int64_t batch, uint64_t seed)
    : forecaster_(std::move(forecaster)),
      data_(std::move(data)),
      path_(std::move(path)),
      scale_(scale),
      seed_(seed),
      batcher_(data_.series, forecaster_.scaler, data_.train, data_.shape, batch, /*shuffle=*/true, seed) {}

TaskLoss ForecastTask::train_step(Rng& rng) {
  if (!batcher_.next_starts(starts_)) {
    batcher_.start_next_epoch();
    batcher_.next_starts(starts_);
  }
  const Shard mine = group_->shard(static_cast<int64_t>(starts_.size()));
  if (mine.empty()) return {};  // a short last batch leaves this process nothing
  batcher_.fill(std::span(starts_).subspan(static_cast<size_t>(mine.begin), static_cast<size_t>(mine.size())), batch_);
  ForecastModel<float>& model = *forecaster_.model;
  const RegressionLossResult loss =
      model.forward(batch_.inputs, batch_.future_inputs, batch_.targets, /*training=*/true, &rng);
  model.backward();
  return {loss.sum, loss.count};
}

int64_t ForecastTask::tokens_per_step() const {
  return batcher_.batch_size() * data_.shape.horizon * data_.series.target_count;
}

double ForecastTask::epochs_done() const {
  const BatchPosition p = batcher_.position();
  return static_cast<double>(p.epoch) + static_cast<double>(p.index) / static_cast<double>(batcher_.windows());
}

bool ForecastTask::has(DataPart part) const {
  return !data_.starts(part == DataPart::Validation ? SeriesPart::Validation : SeriesPart::Test).empty();
}

TaskLoss ForecastTask::evaluate(DataPart part) {
  const auto& starts = data_.starts(part == DataPart::Validation ? SeriesPart::Validation : SeriesPart::Test);
  const ForecastModelConfig& config = forecaster_.model->config();
  TaskLoss total;
  auto add_loss = [&](const WindowBatch& windows, const Tensor<float>& scaled) {
    const RegressionLossResult r = regression_loss(config.loss, scaled, windows.targets, nullptr, config.huber_delta);
    total.sum += r.sum;
    total.count += r.count;
  };
  const Tensor<double> forecast = forecaster_.forecast(data_.series, starts, kEvaluationBatch, add_loss);
  if (!starts.empty()) {
    const ErrorMetrics overall = forecast_metrics(forecast, actual_targets(data_.series, starts, data_.shape)).overall;
    total.metrics = {{"rmse", overall.rmse}, {"mae", overall.mae}, {"smape", overall.smape}};
  }
  return total;
}

nlohmann::json ForecastTask::save_position(Checkpoint&) const { return batcher_.position().to_json(); }

void ForecastTask::restore_position(const nlohmann::json& position, const Checkpoint&) {
  batcher_.set_position(BatchPosition::from_json(position));
}

nlohmann::json ForecastTask::describe_data() const {
  return {{"path", path_},
          {"scale", scale_kind_name(scale_)},
          {"batch", batcher_.batch_size()},
          {"shuffle_seed", seed_},
          {"rows", data_.series.rows()}};
}

}  // namespace recur
