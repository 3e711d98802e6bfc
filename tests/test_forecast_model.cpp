// The forecast model: exact gradients of the whole model (recurrent stack,
// regression head, loss) in double, direct and autoregressive; an
// autoregressive forecast that feeds back its own predictions and nothing of
// the unknown future; a residual head whose zero is persistence; a noiseless
// sine learnt by both kinds through the Trainer; and an exact resume.
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>

#include "gradient_check.h"
#include "recur/forecast_baselines.h"
#include "recur/forecast_metrics.h"
#include "recur/forecast_model.h"
#include "recur/forecast_task.h"
#include "recur/trainer.h"
#include "test_files.h"

namespace recur {
namespace {

ForecastModelConfig small_config(CellKind cell, bool autoregressive, RegressionLoss loss, int64_t layers,
                                 bool residual = false) {
  ForecastModelConfig c;
  c.cell = cell;
  c.input_size = 4;  // columns 0-1 targets, 2 an unknown covariate, 3 known ahead (calendar)
  c.targets = 2;
  c.known_future_begin = 3;
  c.hidden_size = 5;
  c.num_layers = layers;
  c.horizon = 3;
  c.autoregressive = autoregressive;
  c.residual = residual;
  c.loss = loss;
  c.huber_delta = 0.5;
  return c;
}

struct Windows {
  Tensor<double> inputs, future, targets;
};

Windows random_windows(const ForecastModelConfig& c, int64_t lookback, int64_t batch, Rng& rng) {
  return {testing::random_tensor({lookback, batch, c.input_size}, rng),
          testing::random_tensor({c.horizon, batch, c.input_size}, rng),
          testing::random_tensor({batch, c.horizon, c.targets}, rng)};
}

TEST(ForecastModel, GradientsOfStackHeadAndLossMatchCentralDifferencesInDouble) {
  struct Case {
    CellKind cell;
    bool autoregressive;
    RegressionLoss loss;
    int64_t layers;
    bool residual = false;
  };
  const Case cases[] = {{CellKind::Lstm, false, RegressionLoss::Mse, 1},
                        {CellKind::Gru, false, RegressionLoss::Huber, 2},
                        {CellKind::RnnTanh, false, RegressionLoss::Mae, 1},
                        {CellKind::Lstm, true, RegressionLoss::Mse, 2},
                        {CellKind::Gru, true, RegressionLoss::Huber, 1},
                        {CellKind::Gru, false, RegressionLoss::Mse, 1, /*residual=*/true},
                        {CellKind::Lstm, true, RegressionLoss::Huber, 2, /*residual=*/true}};
  for (const Case& k : cases) {
    const ForecastModelConfig config = small_config(k.cell, k.autoregressive, k.loss, k.layers, k.residual);
    const std::string label = fmt::format("{} {}{} {} layers {}", cell_name(k.cell),
                                          k.autoregressive ? "autoregressive" : "direct",
                                          k.residual ? " residual" : "", regression_loss_name(k.loss), k.layers);
    Rng rng(11);
    ForecastModel<double> model(config, rng);
    const Windows w = random_windows(config, 4, 2, rng);
    const ParameterList<double> parameters = model.parameters();
    zero_grad(parameters);
    model.forward(w.inputs, w.future, w.targets, /*training=*/false, nullptr);
    model.backward();
    const auto loss = [&] { return model.forward(w.inputs, w.future, w.targets, false, nullptr).mean(); };
    for (Parameter<double>* p : parameters) {
      const Tensor<double> numeric = testing::numeric_gradient(p->value, loss);
      EXPECT_LT(testing::relative_error(p->grad, numeric), 1e-6) << label << ": " << p->name;
    }
    // The head has the size of its kind: all steps at once, or one.
    EXPECT_EQ(model.head().out_features(), k.autoregressive ? 2 : 6) << label;
  }
}

TEST(ForecastModel, DirectForecastIsWhatTrainingScores) {
  const ForecastModelConfig config = small_config(CellKind::Lstm, false, RegressionLoss::Mse, 1);
  Rng rng(5);
  ForecastModel<double> model(config, rng);
  const Windows w = random_windows(config, 6, 3, rng);
  Tensor<double> forecast;
  model.forecast(w.inputs, {}, forecast);
  ASSERT_EQ(forecast.shape(), (Shape{3, 3, 2}));
  EXPECT_LT(model.forward(w.inputs, w.future, forecast, false, nullptr).mean(), 1e-24);
}

// A residual model's head forecasts the change: with the head zeroed, every
// step of the forecast is the last observed value, direct or autoregressive.
TEST(ForecastModel, ResidualModelWithAZeroHeadIsPersistence) {
  for (const bool autoregressive : {false, true}) {
    const ForecastModelConfig config =
        small_config(CellKind::Lstm, autoregressive, RegressionLoss::Mse, 1, /*residual=*/true);
    Rng rng(3);
    ForecastModel<double> model(config, rng);
    for (Parameter<double>* p : model.head().parameters()) p->value.zero();
    const Windows w = random_windows(config, 4, 3, rng);
    Tensor<double> forecast;
    model.forecast(w.inputs, w.future, forecast);
    const int64_t last_row = 3 * 3 * 4;  // row 3 of [4, 3, 4]
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t h = 0; h < 3; ++h)
        for (int64_t k = 0; k < 2; ++k)
          EXPECT_EQ(forecast[(b * 3 + h) * 2 + k], w.inputs[last_row + b * 4 + k])
              << (autoregressive ? "autoregressive" : "direct") << " b" << b << " h" << h << " k" << k;
  }
}

TEST(ForecastModel, ResidualIsSavedInTheConfigurationAndOffWhereOlderCheckpointsLackIt) {
  ForecastModelConfig config = small_config(CellKind::Gru, false, RegressionLoss::Mse, 1, /*residual=*/true);
  nlohmann::json json = config.to_json();
  EXPECT_TRUE(ForecastModelConfig::from_json(json).residual);
  json.erase("residual");
  EXPECT_FALSE(ForecastModelConfig::from_json(json).residual);
  json["residual"] = "yes";
  EXPECT_THROW(ForecastModelConfig::from_json(json), std::invalid_argument);
}

TEST(ForecastModel, AutoregressiveForecastFeedsBackItsOwnPredictionsOnly) {
  for (const bool residual : {false, true}) {
    SCOPED_TRACE(residual ? "residual" : "plain");
    const ForecastModelConfig config = small_config(CellKind::Gru, true, RegressionLoss::Mse, 2, residual);
    Rng rng(9);
    ForecastModel<double> model(config, rng);
    Windows w = random_windows(config, 5, 3, rng);
    Tensor<double> forecast;
    model.forecast(w.inputs, w.future, forecast);
    // Teacher forcing with the forecast as the actual values is the forecast
    // itself: so every step was fed the previous step's prediction.
    EXPECT_LT(model.forward(w.inputs, w.future, forecast, false, nullptr).mean(), 1e-24);
    // ... and not the actual future values of the targets.
    EXPECT_GT(model.forward(w.inputs, w.future, w.targets, false, nullptr).mean(), 1e-3);

    auto forecast_with = [&](int64_t column, double value) {
      Windows changed = w;
      for (int64_t b = 0; b < 3; ++b) changed.future[(0 * 3 + b) * 4 + column] = value;
      Tensor<double> out;
      model.forecast(changed.inputs, changed.future, out);
      double largest_change_step0 = 0, largest_change_later = 0;
      for (int64_t b = 0; b < 3; ++b)
        for (int64_t h = 0; h < 3; ++h)
          for (int64_t k = 0; k < 2; ++k) {
            const double d = std::abs(out[(b * 3 + h) * 2 + k] - forecast[(b * 3 + h) * 2 + k]);
            (h == 0 ? largest_change_step0 : largest_change_later) =
                std::max(h == 0 ? largest_change_step0 : largest_change_later, d);
          }
      return std::pair{largest_change_step0, largest_change_later};
    };
    // The future of the targets and of the unknown covariate is never read.
    for (const int64_t column : {0, 1, 2}) {
      const auto [step0, later] = forecast_with(column, 7.0);
      EXPECT_EQ(step0, 0.0) << column;
      EXPECT_EQ(later, 0.0) << column;
    }
    // A known-ahead column of future row 0 feeds step 1 (not step 0).
    const auto [step0, later] = forecast_with(3, 7.0);
    EXPECT_EQ(step0, 0.0);
    EXPECT_GT(later, 1e-6);
  }
}

// A noiseless sine, period 25, as a one-column CSV.
std::string sine_csv(int64_t rows) {
  std::string text = "y\n";
  for (int64_t t = 0; t < rows; ++t) text += fmt::format("{:.9f}\n", std::sin(2 * M_PI * double(t) / 25.0));
  return text;
}

TrainerOptions quiet_options(const std::filesystem::path& dir, int64_t iterations, double lr) {
  TrainerOptions o;
  o.run_dir = dir;
  o.schedule.base_lr = lr;
  o.max_iterations = iterations;
  o.epochs = 0;
  o.eval_every = iterations;
  o.log_every = 100000;
  return o;
}

double test_rmse(ForecastTask& task) {
  const ForecastData& d = task.data();
  const Tensor<double> forecast = task.forecaster().forecast(d.series, d.test);
  return forecast_metrics(forecast, actual_targets(d.series, d.test, d.shape)).overall.rmse;
}

void expect_sine_learnt(bool autoregressive) {
  const auto dir = testing::fresh_directory_for_test("recur_forecast_sine_");
  const auto csv = testing::write_file(dir / "sine.csv", sine_csv(500));
  TimeSeriesOptions o;
  o.targets = {"y"};
  o.split = {0.1, 0.1};
  ForecastModelConfig c;
  c.cell = CellKind::Lstm;
  c.hidden_size = 24;
  c.autoregressive = autoregressive;
  auto task = ForecastTask::create(csv.string(), o, {20, 5}, ScaleKind::Standard, c, 32, /*seed=*/3);
  const double before = test_rmse(*task);
  Trainer(*task, quiet_options(dir / "run", 400, 0.01)).run();
  const double after = test_rmse(*task);
  const ForecastData& d = task->data();
  const double persistence =
      forecast_metrics(persistence_forecast(d.series, d.test, d.shape), actual_targets(d.series, d.test, d.shape))
          .overall.rmse;
  // The sine's amplitude is 1; persistence over 5 steps of a 25-step period is ~0.6 off.
  EXPECT_LT(after, 0.05) << "before " << before << ", persistence " << persistence;
  EXPECT_LT(after, persistence / 10);
}

TEST(ForecastTask, DirectForecastLearnsANoiselessSine) { expect_sine_learnt(false); }
TEST(ForecastTask, AutoregressiveForecastLearnsANoiselessSine) { expect_sine_learnt(true); }

TEST(ForecastTask, ResumesExactlyFromItsLastCheckpoint) {
  const auto dir = testing::fresh_directory_for_test("recur_forecast_resume_");
  const auto csv = testing::write_file(dir / "sine.csv", sine_csv(200));
  TimeSeriesOptions o;
  o.targets = {"y"};
  ForecastModelConfig c;
  c.cell = CellKind::Gru;
  c.hidden_size = 8;
  c.autoregressive = true;
  auto make = [&] { return ForecastTask::create(csv.string(), o, {10, 3}, ScaleKind::MinMax, c, 16, 5); };
  // 24 steps straight (several epochs of 10 batches), or 13 then 11 more after a resume.
  auto straight = make();
  Trainer(*straight, quiet_options(dir / "straight", 24, 0.01)).run();
  auto first = make();
  Trainer(*first, quiet_options(dir / "split", 13, 0.01)).run();
  const Checkpoint checkpoint = load_checkpoint(dir / "split" / "last.safetensors");
  auto resumed = ForecastTask::from_checkpoint(checkpoint);
  TrainerOptions options = quiet_options(dir / "split", 24, 0.01);
  options.eval_every = 13;
  Trainer trainer(*resumed, options);
  trainer.resume(checkpoint);
  trainer.run();
  const ParameterList<float> a = straight->parameters(), b = resumed->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i]->value.values(), b[i]->value.values()) << a[i]->name;
  EXPECT_EQ(checkpoint_task(checkpoint), "forecast");
}

TEST(ForecastTask, RefusesToResumeOnAChangedFile) {
  const auto dir = testing::fresh_directory_for_test("recur_forecast_changed_");
  const auto csv = testing::write_file(dir / "sine.csv", sine_csv(120));
  TimeSeriesOptions o;
  o.targets = {"y"};
  auto task = ForecastTask::create(csv.string(), o, {8, 2}, ScaleKind::Standard, ForecastModelConfig{}, 8, 1);
  Trainer(*task, quiet_options(dir / "run", 2, 0.01)).run();
  std::string changed = sine_csv(120);
  changed.replace(changed.find('\n') + 1, 1, "1");  // the first training value
  testing::write_file(csv, changed);
  EXPECT_THROW(ForecastTask::from_checkpoint(load_checkpoint(dir / "run" / "last.safetensors")), std::invalid_argument);
}

}  // namespace
}  // namespace recur
