#include "recur/forecast_baselines.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace recur {

namespace {

// out[w, h, k] = series.target(row_of(w, h), k)
template <typename RowOf>
Tensor<double> gather_targets(const TimeSeries& series, std::span<const int64_t> starts, const WindowShape& shape,
                              RowOf row_of) {
  shape.validate();
  const int64_t targets = series.target_count;
  Tensor<double> out({static_cast<int64_t>(starts.size()), shape.horizon, targets});
  for (size_t w = 0; w < starts.size(); ++w)
    for (int64_t h = 0; h < shape.horizon; ++h) {
      const int64_t row = row_of(starts[w], h);
      if (row < 0 || row >= series.rows())
        throw std::invalid_argument(
            fmt::format("the window starting at row {} needs row {}, outside the {} rows", starts[w], row, series.rows()));
      for (int64_t k = 0; k < targets; ++k)
        out[(static_cast<int64_t>(w) * shape.horizon + h) * targets + k] = series.target(row, k);
    }
  return out;
}

// Solves A X = B in place for symmetric positive definite A [p, p] and B [p, m]
// (Cholesky, A = L L'); B becomes X.
void solve_positive_definite(std::vector<double>& a, std::vector<double>& b, int64_t p, int64_t m) {
  for (int64_t j = 0; j < p; ++j) {
    double diagonal = a[j * p + j];
    for (int64_t k = 0; k < j; ++k) diagonal -= a[j * p + k] * a[j * p + k];
    if (!(diagonal > 0))
      throw std::invalid_argument("the linear autoregression's normal equations are singular; use a larger ridge");
    a[j * p + j] = std::sqrt(diagonal);
    for (int64_t i = j + 1; i < p; ++i) {
      double v = a[i * p + j];
      for (int64_t k = 0; k < j; ++k) v -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = v / a[j * p + j];
    }
  }
  for (int64_t c = 0; c < m; ++c) {
    for (int64_t i = 0; i < p; ++i) {  // L y = b
      double v = b[i * m + c];
      for (int64_t k = 0; k < i; ++k) v -= a[i * p + k] * b[k * m + c];
      b[i * m + c] = v / a[i * p + i];
    }
    for (int64_t i = p - 1; i >= 0; --i) {  // L' x = y
      double v = b[i * m + c];
      for (int64_t k = i + 1; k < p; ++k) v -= a[k * p + i] * b[k * m + c];
      b[i * m + c] = v / a[i * p + i];
    }
  }
}

// The lookback values of all targets of the window at s: x[t*T + j] = y[s+t][j].
void lookback_values(const TimeSeries& series, int64_t s, const WindowShape& shape, std::vector<double>& x) {
  const int64_t targets = series.target_count;
  x.resize(static_cast<size_t>(shape.lookback * targets));
  for (int64_t t = 0; t < shape.lookback; ++t)
    for (int64_t j = 0; j < targets; ++j) x[t * targets + j] = series.target(s + t, j);
}

}  // namespace

Tensor<double> actual_targets(const TimeSeries& series, std::span<const int64_t> starts, const WindowShape& shape) {
  return gather_targets(series, starts, shape, [&](int64_t s, int64_t h) { return s + shape.lookback + h; });
}

Tensor<double> persistence_forecast(const TimeSeries& series, std::span<const int64_t> starts, const WindowShape& shape) {
  return gather_targets(series, starts, shape, [&](int64_t s, int64_t) { return s + shape.lookback - 1; });
}

Tensor<double> seasonal_naive_forecast(const TimeSeries& series, std::span<const int64_t> starts,
                                       const WindowShape& shape, int64_t season) {
  if (season < 1) throw std::invalid_argument(fmt::format("--season must be at least 1, got {}", season));
  try {
    return gather_targets(series, starts, shape, [&](int64_t s, int64_t h) {
      const int64_t seasons_back = (h + 1 + season - 1) / season;  // ceil((h + 1) / season)
      return s + shape.lookback + h - seasons_back * season;
    });
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("a season of {} rows reaches before the first row: {}", season, e.what()));
  }
}

LinearAutoregression LinearAutoregression::fit(const TimeSeries& series, std::span<const int64_t> train_starts,
                                               const WindowShape& shape, double ridge) {
  if (train_starts.empty()) throw std::invalid_argument("the linear autoregression needs at least one training window");
  LinearAutoregression model;
  model.shape_ = shape;
  model.targets_ = series.target_count;
  const int64_t p = shape.lookback * model.targets_;
  const int64_t m = shape.horizon * model.targets_;
  const Tensor<double> y = actual_targets(series, train_starts, shape);  // [W, H, T] = [W, m]
  const auto windows = static_cast<int64_t>(train_starts.size());

  std::vector<double> x_mean(static_cast<size_t>(p), 0.0), y_mean(static_cast<size_t>(m), 0.0), x;
  for (int64_t w = 0; w < windows; ++w) {
    lookback_values(series, train_starts[w], shape, x);
    for (int64_t i = 0; i < p; ++i) x_mean[i] += x[i] / static_cast<double>(windows);
    for (int64_t c = 0; c < m; ++c) y_mean[c] += y[w * m + c] / static_cast<double>(windows);
  }
  std::vector<double> xtx(static_cast<size_t>(p * p), 0.0), xty(static_cast<size_t>(p * m), 0.0);
  for (int64_t w = 0; w < windows; ++w) {
    lookback_values(series, train_starts[w], shape, x);
    for (int64_t i = 0; i < p; ++i) x[i] -= x_mean[i];
    for (int64_t i = 0; i < p; ++i) {
      for (int64_t j = 0; j <= i; ++j) xtx[i * p + j] += x[i] * x[j];
      for (int64_t c = 0; c < m; ++c) xty[i * m + c] += x[i] * (y[w * m + c] - y_mean[c]);
    }
  }
  double trace = 0;
  for (int64_t i = 0; i < p; ++i) trace += xtx[i * p + i];
  // A constant series has trace 0: any positive lambda then gives W = 0, the mean forecast.
  const double lambda = ridge * (trace > 0 ? trace / static_cast<double>(p) : 1.0);
  for (int64_t i = 0; i < p; ++i) {
    xtx[i * p + i] += lambda;
    for (int64_t j = 0; j < i; ++j) xtx[j * p + i] = xtx[i * p + j];
  }
  solve_positive_definite(xtx, xty, p, m);
  model.weights_ = std::move(xty);
  model.intercepts_ = y_mean;
  for (int64_t c = 0; c < m; ++c)
    for (int64_t i = 0; i < p; ++i) model.intercepts_[c] -= x_mean[i] * model.weights_[i * m + c];
  return model;
}

Tensor<double> LinearAutoregression::forecast(const TimeSeries& series, std::span<const int64_t> starts) const {
  if (series.target_count != targets_)
    throw std::invalid_argument(fmt::format("the linear autoregression was fitted on {} targets, the series has {}",
                                            targets_, series.target_count));
  const int64_t p = shape_.lookback * targets_, m = shape_.horizon * targets_;
  Tensor<double> out({static_cast<int64_t>(starts.size()), shape_.horizon, targets_});
  std::vector<double> x;
  for (size_t w = 0; w < starts.size(); ++w) {
    if (starts[w] < 0 || starts[w] + shape_.lookback > series.rows())
      throw std::invalid_argument(fmt::format("window start {} leaves the {} rows", starts[w], series.rows()));
    lookback_values(series, starts[w], shape_, x);
    for (int64_t c = 0; c < m; ++c) {
      double v = intercepts_[c];
      for (int64_t i = 0; i < p; ++i) v += x[i] * weights_[i * m + c];
      out[static_cast<int64_t>(w) * m + c] = v;
    }
  }
  return out;
}

}  // namespace recur
