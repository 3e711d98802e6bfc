#include "recur/forecast_metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace recur {

namespace {

struct ErrorSums {
  double squared = 0, absolute = 0, percentage = 0, symmetric = 0;
  int64_t count = 0, percentage_count = 0;

  void add(double forecast, double actual) {
    const double error = std::abs(forecast - actual);
    squared += error * error;
    absolute += error;
    if (actual != 0) {
      percentage += error / std::abs(actual);
      ++percentage_count;
    }
    const double magnitude = std::abs(actual) + std::abs(forecast);
    if (magnitude > 0) symmetric += 2 * error / magnitude;
    ++count;
  }

  ErrorMetrics metrics() const {
    ErrorMetrics m;
    m.count = count;
    m.mape_count = percentage_count;
    if (count == 0) return m;
    const auto n = static_cast<double>(count);
    m.rmse = std::sqrt(squared / n);
    m.mae = absolute / n;
    m.mape = percentage_count > 0 ? percentage / static_cast<double>(percentage_count)
                                  : std::numeric_limits<double>::quiet_NaN();
    m.smape = symmetric / n;
    return m;
  }
};

}  // namespace

nlohmann::json ErrorMetrics::to_json() const {
  // No MAPE (every actual zero) is null, not a NaN number.
  const nlohmann::json percentage = std::isnan(mape) ? nlohmann::json(nullptr) : nlohmann::json(mape);
  return {{"rmse", rmse}, {"mae", mae}, {"mape", percentage}, {"smape", smape}, {"count", count}, {"mape_count", mape_count}};
}

nlohmann::json ForecastMetrics::to_json() const {
  nlohmann::json steps = nlohmann::json::array(), targets = nlohmann::json::array();
  for (const auto& m : per_step) steps.push_back(m.to_json());
  for (const auto& m : per_target) targets.push_back(m.to_json());
  return {{"overall", overall.to_json()}, {"per_step", steps}, {"per_target", targets}};
}

ForecastMetrics forecast_metrics(const Tensor<double>& forecast, const Tensor<double>& actual) {
  if (forecast.rank() != 3 || forecast.shape() != actual.shape())
    throw std::invalid_argument(fmt::format("forecast {} and actual values {} must both be [windows, horizon, targets]",
                                            shape_string(forecast.shape()), shape_string(actual.shape())));
  const int64_t windows = forecast.dim(0), horizon = forecast.dim(1), targets = forecast.dim(2);
  std::vector<ErrorSums> steps(static_cast<size_t>(horizon)), per_target(static_cast<size_t>(targets));
  ErrorSums overall;
  for (int64_t w = 0; w < windows; ++w)
    for (int64_t h = 0; h < horizon; ++h)
      for (int64_t k = 0; k < targets; ++k) {
        const int64_t i = (w * horizon + h) * targets + k;
        steps[h].add(forecast[i], actual[i]);
        per_target[k].add(forecast[i], actual[i]);
        overall.add(forecast[i], actual[i]);
      }
  ForecastMetrics result;
  for (const auto& s : steps) result.per_step.push_back(s.metrics());
  for (const auto& s : per_target) result.per_target.push_back(s.metrics());
  result.overall = overall.metrics();
  return result;
}

}  // namespace recur
