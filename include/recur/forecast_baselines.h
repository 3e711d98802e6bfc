// Forecast baselines: what a forecaster must beat, on the same windows.
//
// Every forecast and the actual values are Tensor<double> [windows, horizon, T]
// in original units; window w starts at row starts[w] (forecast_windows.h), its
// forecast origin is row o = s + lookback - 1 (the last observed row), and step
// h = 0..horizon-1 forecasts row o + 1 + h.
//   persistence      y[o]: the last observed value, repeated over the horizon.
//   seasonal naive   y[o + 1 + h - m*N] with m = ceil((h + 1) / N), the smallest
//                    m reaching observed rows: the value one season ago (the
//                    same point of the last observed season). Rows before the
//                    window are history, not future, so N may exceed the
//                    lookback; a season reaching before row 0 is an error.
//   linear AR        y[o+1+h][k] = b[h,k] + sum over t, j of W[t*T + j, h*T + k] * y[s+t][j]:
//                    least squares with intercept on the lookback values of
//                    all targets, one output per horizon step and target
//                    (direct, not iterated), fitted on training windows only,
//                    in double. Solved by the normal equations of the centred
//                    data, (Xc'Xc + lambda I) W = Xc'Yc, by Cholesky; lambda =
//                    ridge * trace(Xc'Xc) / p keeps a collinear lookback
//                    solvable and is invisible otherwise; the intercept is not
//                    penalised (b = mean(y) - mean(x) W).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recur/forecast_windows.h"
#include "recur/tensor.h"
#include "recur/time_series.h"

namespace recur {

// The values the windows should forecast.
Tensor<double> actual_targets(const TimeSeries& series, std::span<const int64_t> starts, const WindowShape& shape);

Tensor<double> persistence_forecast(const TimeSeries& series, std::span<const int64_t> starts, const WindowShape& shape);

// std::invalid_argument if season < 1 or a window's season reaches before row 0.
Tensor<double> seasonal_naive_forecast(const TimeSeries& series, std::span<const int64_t> starts,
                                       const WindowShape& shape, int64_t season);

class LinearAutoregression {
 public:
  // Fits on the windows at `train_starts` (std::invalid_argument if none).
  static LinearAutoregression fit(const TimeSeries& series, std::span<const int64_t> train_starts,
                                  const WindowShape& shape, double ridge = 1e-8);

  Tensor<double> forecast(const TimeSeries& series, std::span<const int64_t> starts) const;

  const WindowShape& shape() const { return shape_; }
  // [p, H*T] row-major, p = lookback * T; input t*T + j, output h*T + k.
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<double>& intercepts() const { return intercepts_; }  // [H*T]

 private:
  WindowShape shape_;
  int64_t targets_ = 0;
  std::vector<double> weights_, intercepts_;
};

}  // namespace recur
