// recur forecast train|eval|predict: time-series forecasting from a CSV file.
//
//   train    windows of --lookback rows forecast the next --horizon rows of
//            the --target columns; the training flags, run folder and
//            --resume come from the shared training command.
//   eval     RMSE, MAE, MAPE and sMAPE in original units, per horizon step
//            and overall, on the test part of the run's own file (or all the
//            windows of --data FILE), beside three baselines on the same
//            windows: persistence, seasonal naive (--season) and a linear
//            autoregression fitted on the run's training part.
//   predict  the --horizon rows after the end of --data FILE, as CSV on
//            stdout: date (or step) and the targets.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model_loading.h"
#include "recur/forecast_comparison.h"
#include "recur/forecast_metrics.h"
#include "recur/forecast_task.h"
#include "recur/run_folder.h"
#include "threads_flag.h"
#include "training_command.h"

namespace recur::cli {
namespace {

struct ForecastTrainFlags {
  std::string data;
  std::vector<std::string> target, features, date, categorical;
  std::string calendar, missing = "error", scale = "standard";
  bool allow_unsorted = false;
  double val_frac = 0.1, test_frac = 0.1;
  int64_t lookback = 0, horizon = 1, batch = 32;
  bool autoregressive = false, residual = false;
  std::string cell = "lstm", loss = "mse";
  int64_t layers = 1, hidden = 64;
  double dropout = 0.0, huber_delta = 1.0;
};

void add_forecast_train_flags(CLI::App& app, ForecastTrainFlags& f) {
  const char* data = "Data";
  app.add_option("--data", f.data, "CSV file with a header row")->group(data);
  app.add_option("--target", f.target, "Column(s) to forecast (comma-separated)")->delimiter(',')->group(data);
  app.add_option("--features", f.features, "Input columns besides the targets (default: every numeric column)")
      ->delimiter(',')->group(data);
  app.add_option("--date", f.date, "Date column, or integer columns year,month,day,hour (kept for output)")
      ->delimiter(',')->group(data);
  app.add_option("--categorical", f.categorical, "Categorical column(s), one-hot encoded")->delimiter(',')->group(data);
  app.add_option("--calendar", f.calendar, "Calendar inputs from the date: any of month,weekday,hour")->group(data);
  app.add_option("--missing", f.missing, "NA, NaN or empty cells: error | drop | ffill | interpolate")
      ->capture_default_str()->group(data);
  app.add_flag("--allow-unsorted", f.allow_unsorted, "Sort rows by date instead of refusing dates out of order")
      ->group(data);
  app.add_option("--val-frac", f.val_frac, "Fraction of the rows (after training, in time order) for validation")
      ->capture_default_str()->group(data);
  app.add_option("--test-frac", f.test_frac, "Fraction of the rows (the end) held out for test")
      ->capture_default_str()->group(data);
  app.add_option("--scale", f.scale, "Per-column normalisation fitted on the training rows: standard | minmax | none")
      ->capture_default_str()->group(data);
  app.add_option("--lookback", f.lookback, "Rows the model reads before forecasting")->group(data);
  app.add_option("--horizon", f.horizon, "Rows it forecasts")->capture_default_str()->group(data);
  app.add_option("--batch", f.batch, "Windows per batch")->capture_default_str()->group(data);
  const char* model = "Model";
  app.add_flag("--autoregressive", f.autoregressive,
               "One step at a time, each forecast fed back as the next input (default: all steps at once)")
      ->group(model);
  app.add_flag("--residual", f.residual,
               "Forecast the change from the last value read, so that persistence is the model's zero")
      ->group(model);
  app.add_option("--cell", f.cell, "Recurrent cell: " + known_cell_names())->capture_default_str()->group(model);
  app.add_option("--layers", f.layers, "Recurrent layers")->capture_default_str()->group(model);
  app.add_option("--hidden", f.hidden, "Hidden units per layer")->capture_default_str()->group(model);
  app.add_option("--dropout", f.dropout, "Dropout between recurrent layers")->capture_default_str()->group(model);
  app.add_option("--loss", f.loss, "mse | mae | huber (in scaled units)")->capture_default_str()->group(model);
  app.add_option("--huber-delta", f.huber_delta, "Where the Huber loss turns linear (scaled units)")
      ->capture_default_str()->group(model);
  name_flag("hidden_size", "--hidden");
  name_flag("num_layers", "--layers");
}

// A flag's value the library refuses, said with the flag's name.
template <typename Parse>
auto parse_flag(const std::string& flag, const std::string& value, Parse parse) {
  try {
    return parse(value);
  } catch (const std::invalid_argument& e) {
    throw UsageError(flag + ": " + e.what());
  }
}

std::unique_ptr<TrainingTask> forecast_task_from_flags(const ForecastTrainFlags& f, const TrainingFlags& training) {
  const uint64_t seed = training.seed;
  if (f.data.empty()) throw UsageError("--data is required (a CSV file), unless you --resume a run");
  if (f.target.empty()) throw UsageError("--target is required (the column to forecast)");
  if (f.lookback < 1) throw UsageError("--lookback is required: the rows the model reads (>= 1)");
  TimeSeriesOptions o;
  o.targets = f.target;
  o.features = f.features;
  o.date_columns = f.date;
  o.categorical = f.categorical;
  o.calendar = parse_flag("--calendar", f.calendar, [](const std::string& v) { return parse_calendar_features(v); });
  o.missing = parse_flag("--missing", f.missing, [](const std::string& v) { return parse_missing_policy(v); });
  o.allow_unsorted = f.allow_unsorted;
  o.split = {f.val_frac, f.test_frac};
  try {
    o.split.validate();
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--val-frac, --test-frac: ") + e.what());
  }
  const ScaleKind scale = parse_flag("--scale", f.scale, [](const std::string& v) { return parse_scale_kind(v); });
  ForecastModelConfig c;
  c.cell = parse_flag("--cell", f.cell, [](const std::string& v) { return parse_cell(v); });
  c.hidden_size = f.hidden;
  c.num_layers = f.layers;
  c.dropout = f.dropout;
  c.autoregressive = f.autoregressive;
  c.residual = f.residual;
  c.loss = parse_flag("--loss", f.loss, [](const std::string& v) { return parse_regression_loss(v); });
  c.huber_delta = f.huber_delta;
  c.init = recurrent_init(training);
  auto task = ForecastTask::create(f.data, o, WindowShape{f.lookback, f.horizon}, scale, c, f.batch, seed);
  const ForecastData& d = task->data();
  const TimeSeries& s = d.series;
  std::cerr << fmt::format("data: {} rows of {}{}; windows: train {} / validation {} / test {}\n", s.rows(), f.data,
                           s.rows_dropped > 0 ? fmt::format(" ({} dropped for missing values)", s.rows_dropped)
                           : s.cells_filled > 0 ? fmt::format(" ({} missing cells filled)", s.cells_filled)
                                                : std::string(),
                           d.train.size(), d.validation.size(), d.test.size());
  std::cerr << fmt::format("inputs ({}): {}\n", s.input_width(), fmt::join(s.input_names(), ", "));
  std::cerr << fmt::format("model: {} x {} {} units, {}{} head, {} loss; lookback {}, horizon {}\n", f.layers,
                           cell_name(c.cell), f.hidden, f.autoregressive ? "autoregressive" : "direct",
                           f.residual ? " residual" : "", f.loss, f.lookback, f.horizon);
  return task;
}

// ---- loading a trained forecaster -----------------------------------------

struct LoadedForecaster {
  std::string path;  // the checkpoint file
  Forecaster forecaster;
  std::string data_path;  // the file it was trained on
};

LoadedForecaster load_forecaster(const std::string& target) {
  LoadedForecaster loaded;
  const Checkpoint checkpoint = load_checkpoint(find_checkpoint(target, CheckpointPick::BestElseLast));
  loaded.path = checkpoint.path.string();
  loaded.forecaster = Forecaster::from_checkpoint(checkpoint);
  loaded.data_path = trained_data_path(checkpoint);
  return loaded;
}

// ---- eval -------------------------------------------------------------------

struct ForecastEvalFlags {
  std::string checkpoint;
  std::optional<std::string> data;
  std::string part = "test";
  int64_t season = 0;
  bool json = false;
  int threads = 0;
};

nlohmann::json metrics_json(const ForecastMetrics& m) {
  nlohmann::json j = m.overall.to_json();
  j["per_step"] = m.to_json().at("per_step");
  if (m.per_target.size() > 1) j["per_target"] = m.to_json().at("per_target");
  return j;
}

std::string percent(double fraction) { return std::isnan(fraction) ? "-" : fmt::format("{:.2f}%", 100 * fraction); }

int run_forecast_eval(const ForecastEvalFlags& f) {
  if (f.part != "test" && f.part != "validation")
    throw UsageError("--part must be test or validation, got '" + f.part + "'");
  if (f.data && f.part != "test") throw UsageError("--part chooses a part of the run's own file; with --data every window of FILE is evaluated");
  if (f.season < 0) throw UsageError("--season must be >= 1");
  apply_threads(f.threads);
  LoadedForecaster loaded = load_forecaster(f.checkpoint);
  Forecaster& forecaster = loaded.forecaster;
  const WindowShape shape = forecaster.shape;
  if (loaded.data_path.empty())
    throw UsageError(loaded.path + " does not record the file it was trained on, which the linear baseline is "
                                   "fitted on");
  // The run's own file, split as in training: the linear baseline is fitted on its training part.
  const ForecastData trained = forecaster.read(loaded.data_path, forecaster.options.split);
  std::optional<ForecastData> other;
  if (f.data) other = forecaster.read(*f.data, SplitFractions{0, 0});
  const ForecastData& evaluated = other ? *other : trained;
  const TimeSeries& series = evaluated.series;
  const std::vector<int64_t>& all_starts =
      other ? evaluated.train : f.part == "test" ? evaluated.test : evaluated.validation;
  const std::string what = other ? fmt::format("{} (every window)", *f.data)
                                 : fmt::format("{} part of {}", f.part, loaded.data_path);
  const int64_t season = f.season > 0 ? f.season : default_season(series);
  std::vector<int64_t> starts = windows_with_season(all_starts, shape, season);
  if (starts.empty())
    throw UsageError(fmt::format("{} has no window to evaluate (lookback {} + horizon {}{})", what, shape.lookback,
                                 shape.horizon,
                                 all_starts.empty() ? "" : fmt::format(", and a season of {} rows before it", season)));
  const int64_t left_out = static_cast<int64_t>(all_starts.size() - starts.size());

  const ForecastComparison compared = compare_forecasts(forecaster, trained, series, std::move(starts), season);
  const ForecastMetrics model = compared.metrics(compared.model);
  const ForecastMetrics persistence = compared.metrics(compared.persistence);
  const ForecastMetrics seasonal = compared.metrics(compared.seasonal);
  const ForecastMetrics linear_metrics = compared.metrics(compared.linear);

  if (f.json) {
    nlohmann::json report = metrics_json(model);
    report["checkpoint"] = loaded.path;
    report["data"] = other ? *f.data : loaded.data_path;
    report["part"] = other ? "all" : f.part;
    report["windows"] = compared.starts.size();
    report["windows_left_out"] = left_out;
    report["lookback"] = shape.lookback;
    report["horizon"] = shape.horizon;
    report["targets"] = forecaster.target_names;
    report["season"] = season;
    report["baselines"] = {{"persistence", metrics_json(persistence)},
                           {"seasonal_naive", metrics_json(seasonal)},
                           {"linear", metrics_json(linear_metrics)}};
    std::printf("%s\n", report.dump().c_str());
    std::fflush(stdout);
    return 0;
  }
  std::string out = fmt::format("checkpoint  {}\nevaluated   {}: {} windows, lookback {}, horizon {}, targets {}\n",
                                loaded.path, what, compared.starts.size(), shape.lookback, shape.horizon,
                                fmt::join(forecaster.target_names, ", "));
  if (left_out > 0)
    out += fmt::format("            ({} earlier windows left out: seasonal naive needs {} rows before each)\n",
                       left_out, season);
  out += "errors in original units\n";
  out += fmt::format("  {:<26} {:>12} {:>12} {:>9} {:>9}\n", "", "RMSE", "MAE", "MAPE", "sMAPE");
  const std::string seasonal_name = fmt::format("seasonal naive ({})", season);
  const std::pair<std::string, const ForecastMetrics*> rows[] = {
      {"model", &model}, {"persistence", &persistence}, {seasonal_name, &seasonal}, {"linear AR", &linear_metrics}};
  for (const auto& [name, m] : rows)
    out += fmt::format("  {:<26} {:>12.5g} {:>12.5g} {:>9} {:>9}\n", name, m->overall.rmse, m->overall.mae,
                       percent(m->overall.mape), percent(m->overall.smape));
  if (shape.horizon > 1) {
    out += "RMSE per step\n";
    out += fmt::format("  {:>4} {:>12} {:>12} {:>12} {:>12}\n", "step", "model", "persistence", "seasonal", "linear AR");
    for (int64_t h = 0; h < shape.horizon; ++h)
      out += fmt::format("  {:>4} {:>12.5g} {:>12.5g} {:>12.5g} {:>12.5g}\n", h + 1, model.per_step[h].rmse,
                         persistence.per_step[h].rmse, seasonal.per_step[h].rmse, linear_metrics.per_step[h].rmse);
  }
  std::printf("%s", out.c_str());
  std::fflush(stdout);
  return 0;
}

// ---- predict ----------------------------------------------------------------

struct ForecastPredictFlags {
  std::string checkpoint;
  std::string data;
  int threads = 0;
};

// A CSV field, quoted when it must be.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

int run_forecast_predict(const ForecastPredictFlags& f) {
  apply_threads(f.threads);
  LoadedForecaster loaded = load_forecaster(f.checkpoint);
  Forecaster& forecaster = loaded.forecaster;
  const ForecastData data = forecaster.read(f.data, SplitFractions{0, 0}, /*check_length=*/false);
  const Tensor<double> forecast = forecaster.forecast_after_end(data.series);
  const std::vector<DateTime> dates = dates_after(data.series, forecaster.shape.horizon);
  std::string out = dates.empty() ? "step" : "date";
  for (const std::string& name : forecaster.target_names) out += "," + csv_field(name);
  out += "\n";
  const int64_t T = static_cast<int64_t>(forecaster.target_names.size());
  for (int64_t h = 0; h < forecaster.shape.horizon; ++h) {
    out += dates.empty() ? std::to_string(h + 1) : dates[h].to_string();
    for (int64_t k = 0; k < T; ++k) out += fmt::format(",{:.7g}", forecast[h * T + k]);
    out += "\n";
  }
  std::printf("%s", out.c_str());
  std::fflush(stdout);
  return 0;
}

// ---- registration -------------------------------------------------------------

SubcommandRun add_forecast_train(CLI::App& app) {
  auto task_flags = std::make_shared<ForecastTrainFlags>();
  auto training = std::make_shared<TrainingFlags>();
  training->run = "runs/forecast";
  training->eval_every = 100;
  training->epochs = 20;
  add_forecast_train_flags(app, *task_flags);
  add_training_flags(app, *training);
  return [task_flags, training, &app] {
    const TaskFactory factory{
        .task = kForecastTask,
        .description = "a forecaster",
        .from_flags = [&] { return forecast_task_from_flags(*task_flags, *training); },
        .from_checkpoint = [](const Checkpoint& c) -> std::unique_ptr<TrainingTask> {
          return ForecastTask::from_checkpoint(c);
        },
        .validation_metrics = ForecastTask::metrics()};
    return run_training_command(*training, app, factory);
  };
}

SubcommandRun add_forecast_eval(CLI::App& app) {
  auto f = std::make_shared<ForecastEvalFlags>();
  add_checkpoint_argument(app, f->checkpoint);
  app.add_option("--data", f->data, "Evaluate every window of this CSV file instead of the run's test part");
  app.add_option("--part", f->part, "Part of the run's own file: test | validation")->capture_default_str();
  app.add_option("--season", f->season,
                 "Season of the seasonal-naive baseline, in rows (default: 12 monthly, 7 daily, 24 hourly, else 1)");
  app.add_flag("--json", f->json, "Print the result as one JSON line");
  add_threads_flag(app, f->threads);
  return [f] { return run_forecast_eval(*f); };
}

SubcommandRun add_predict(CLI::App& app) {
  auto f = std::make_shared<ForecastPredictFlags>();
  add_checkpoint_argument(app, f->checkpoint);
  app.add_option("--data", f->data, "CSV file whose last lookback rows the forecast starts from")->required();
  add_threads_flag(app, f->threads);
  return [f] { return run_forecast_predict(*f); };
}

const bool forecast_registered = register_subcommand(
    "forecast", "Time-series forecasting from CSV files: train | eval | predict", [](CLI::App& app) -> SubcommandRun {
      return add_actions(app, {{"train", "Train a recurrent forecaster on a CSV file", add_forecast_train},
                               {"eval", "Errors of a forecaster beside persistence, seasonal naive and linear baselines",
                                add_forecast_eval},
                               {"predict", "Forecast the rows after the end of a CSV file (CSV on stdout)", add_predict}});
    });

}  // namespace
}  // namespace recur::cli
