// Forecast error metrics, in original units, per horizon step, per target and
// overall, over forecasts and actual values [windows, horizon, T]
// (forecast_baselines.h), with e = forecast - actual:
//   rmse   sqrt(mean(e^2))
//   mae    mean(|e|)
//   mape   mean(|e| / |actual|) over the values whose actual is not zero: a
//          zero actual has no percentage error, so it is skipped (mape_count
//          says how many counted; NaN, null in JSON, when none did)
//   smape  mean(2 |e| / (|actual| + |forecast|)), a term being 0 where both
//          are 0 (a perfect forecast of zero); in [0, 2]
// Percentages are fractions (0.05 = 5%), as every rate recur reports.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "recur/tensor.h"

namespace recur {

struct ErrorMetrics {
  double rmse = 0, mae = 0, mape = 0, smape = 0;
  int64_t count = 0;       // values compared
  int64_t mape_count = 0;  // of which had a non-zero actual
  nlohmann::json to_json() const;
};

struct ForecastMetrics {
  std::vector<ErrorMetrics> per_step;    // horizon entries
  std::vector<ErrorMetrics> per_target;  // T entries
  ErrorMetrics overall;
  // {"overall": {...}, "per_step": [...], "per_target": [...]}
  nlohmann::json to_json() const;
};

// Throws std::invalid_argument unless both are [windows, horizon, T] of one shape.
ForecastMetrics forecast_metrics(const Tensor<double>& forecast, const Tensor<double>& actual);

}  // namespace recur
