// Central-difference gradient checking in double precision, shared by the
// gradient tests. The error of a tensor is max|analytic - numeric| divided by
// max(max|analytic|, max|numeric|): relative to the tensor's scale, so entries
// that are legitimately near zero do not blow it up, yet any wrong entry of
// the tensor's own size shows as an error of order one.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>

#include "recur/tensor.h"

namespace recur::testing {

inline constexpr double kStep = 1e-6;

// d(loss)/d(values[i]) for every i, by (loss(v + h) - loss(v - h)) / 2h.
inline Tensor<double> numeric_gradient(Tensor<double>& values, const std::function<double()>& loss) {
  Tensor<double> grad(values.shape());
  for (int64_t i = 0; i < values.numel(); ++i) {
    const double saved = values[i];
    values[i] = saved + kStep;
    const double plus = loss();
    values[i] = saved - kStep;
    const double minus = loss();
    values[i] = saved;
    grad[i] = (plus - minus) / (2 * kStep);
  }
  return grad;
}

inline double relative_error(const Tensor<double>& analytic, const Tensor<double>& numeric) {
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < analytic.numel(); ++i) {
    diff = std::max(diff, std::abs(analytic[i] - numeric[i]));
    scale = std::max({scale, std::abs(analytic[i]), std::abs(numeric[i])});
  }
  return scale == 0 ? diff : diff / scale;
}

inline double dot(const Tensor<double>& a, const Tensor<double>& b) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += a[i] * b[i];
  return s;
}

template <typename Rng>
Tensor<double> random_tensor(const Shape& shape, Rng& rng, double scale = 1.0) {
  Tensor<double> t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t[i] = rng.uniform(-scale, scale);
  return t;
}

}  // namespace recur::testing
