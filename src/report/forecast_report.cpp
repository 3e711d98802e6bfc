#include "recur/forecast_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "recur/forecast_comparison.h"
#include "recur/svg_plot.h"

namespace recur {
namespace {

// Enough windows to see the forecasts follow the series; more would make a
// wall of lines (and a page of megabytes for hourly data).
constexpr size_t kPlottedWindows = 300;

struct Method {
  std::string name;
  const Tensor<double>* forecast;
};

std::string percent(double fraction) { return std::isnan(fraction) ? "-" : fmt::format("{:.2f}%", 100 * fraction); }

// Forecasts `step` steps ahead of each plotted window, for target 0, at the
// row they forecast: the window starting at row s forecasts row s + lookback + step.
LinePlot step_plot(const ForecastComparison& c, const std::vector<Method>& methods, const WindowShape& shape,
                   int64_t step, size_t windows, const std::string& target) {
  const int64_t H = c.actual.dim(1), T = c.actual.dim(2);
  LinePlot plot;
  plot.title = fmt::format("{} {} step{} ahead, test part", target, step + 1, step == 0 ? "" : "s");
  plot.x_axis.label = "row of the file forecast";
  plot.y_axis.label = target;
  // Each method keeps its palette colour across the page's plots; the actual series is dark.
  auto series_of = [&](const std::string& name, const Tensor<double>& values, bool dashed, std::string colour) {
    LineSeries s;
    s.name = name;
    s.dashed = dashed;
    s.colour = std::move(colour);
    for (size_t w = 0; w < windows; ++w) {
      s.x.push_back(static_cast<double>(c.starts[w] + shape.lookback + step));
      s.y.push_back(values.data()[(static_cast<int64_t>(w) * H + step) * T]);
    }
    return s;
  };
  plot.series.push_back(series_of("actual", c.actual, false, "#222222"));
  for (size_t i = 0; i < methods.size(); ++i)
    plot.series.push_back(series_of(methods[i].name, *methods[i].forecast, i > 0, series_colour(i)));
  return plot;
}

}  // namespace

void forecast_report_section(HtmlPage& page, const ReportContext& context) {
  page.section("Forecasts on the test part");
  Forecaster forecaster = Forecaster::from_checkpoint(context.checkpoint);
  const std::string path = trained_data_path(context.checkpoint);
  if (path.empty() || !std::filesystem::exists(path)) {
    page.paragraph(path.empty() ? "The checkpoint does not record the file it was trained on."
                                : fmt::format("The file the run was trained on, {}, is no longer there.", path));
    return;
  }
  const ForecastData trained = forecaster.read(path, forecaster.options.split);
  const WindowShape& shape = forecaster.shape;
  const int64_t season = default_season(trained.series);
  std::vector<int64_t> starts = windows_with_season(trained.test, shape, season);
  if (starts.empty()) {
    page.paragraph(fmt::format("The test part of {} has no window to forecast.", path));
    return;
  }
  const ForecastComparison c = compare_forecasts(forecaster, trained, trained.series, std::move(starts), season);
  const std::vector<Method> methods = {{"model", &c.model},
                                       {"persistence", &c.persistence},
                                       {fmt::format("seasonal naive ({})", season), &c.seasonal},
                                       {"linear AR", &c.linear}};
  page.paragraph(fmt::format("{} on the test part of {}: {} windows, lookback {}, horizon {}. Errors in original "
                             "units over every step and target; `recur forecast eval {}` prints the same figures.",
                             context.checkpoint.path.filename().string(), path, c.starts.size(), shape.lookback,
                             shape.horizon, context.checkpoint.path.string()));
  std::vector<std::vector<std::string>> rows;
  std::vector<ForecastMetrics> metrics;
  for (const Method& m : methods) {
    metrics.push_back(c.metrics(*m.forecast));
    const ErrorMetrics& e = metrics.back().overall;
    rows.push_back({m.name, fmt::format("{:.5g}", e.rmse), fmt::format("{:.5g}", e.mae), percent(e.mape),
                    percent(e.smape)});
  }
  page.table({"method", "RMSE", "MAE", "MAPE", "sMAPE"}, rows);

  const size_t windows = std::min(c.starts.size(), kPlottedWindows);
  const std::string target = forecaster.target_names.at(0);
  const std::string shown =
      windows < c.starts.size() ? fmt::format("The first {} of {} test windows.", windows, c.starts.size()) : "";
  for (const int64_t step : shape.horizon > 1 ? std::vector<int64_t>{0, shape.horizon - 1} : std::vector<int64_t>{0}) {
    const LinePlot plot = step_plot(c, methods, shape, step, windows, target);
    page.figure(plot.svg(), static_cast<int>(plot.series.size()), shown);
  }
  if (shape.horizon > 1) {
    LinePlot per_step;
    per_step.title = "RMSE per horizon step, test part";
    per_step.x_axis.label = "steps ahead";
    per_step.y_axis.label = "RMSE";
    for (size_t i = 0; i < methods.size(); ++i) {
      LineSeries s;
      s.name = methods[i].name;
      s.dashed = i > 0;
      s.points = true;
      for (int64_t h = 0; h < shape.horizon; ++h) {
        s.x.push_back(static_cast<double>(h + 1));
        s.y.push_back(metrics[i].per_step[static_cast<size_t>(h)].rmse);
      }
      per_step.series.push_back(std::move(s));
    }
    page.figure(per_step.svg(), static_cast<int>(per_step.series.size()));
  }
}

}  // namespace recur
