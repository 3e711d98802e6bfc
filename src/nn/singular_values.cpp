#include "recur/singular_values.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "recur/gemm.h"
#include "recur/rng.h"

namespace recur {

namespace {

// Modified Gram-Schmidt on the p columns of v [n, p] (row-major); a column that
// vanishes is replaced by a fresh random one.
void orthonormalise(std::vector<double>& v, int64_t n, int64_t p, Rng& rng) {
  for (int64_t j = 0; j < p; ++j) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      for (int64_t i = 0; i < j; ++i) {
        double dot = 0;
        for (int64_t r = 0; r < n; ++r) dot += v[r * p + i] * v[r * p + j];
        for (int64_t r = 0; r < n; ++r) v[r * p + j] -= dot * v[r * p + i];
      }
      double norm = 0;
      for (int64_t r = 0; r < n; ++r) norm += v[r * p + j] * v[r * p + j];
      norm = std::sqrt(norm);
      if (norm > 1e-150) {
        for (int64_t r = 0; r < n; ++r) v[r * p + j] /= norm;
        break;
      }
      for (int64_t r = 0; r < n; ++r) v[r * p + j] = rng.normal();
    }
  }
}

// Eigenvalues of the symmetric p x p matrix s (cyclic Jacobi), largest first.
std::vector<double> symmetric_eigenvalues(std::vector<double> s, int64_t p) {
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int64_t i = 0; i < p; ++i)
      for (int64_t j = i + 1; j < p; ++j) off += s[i * p + j] * s[i * p + j];
    if (off < 1e-300) break;
    for (int64_t i = 0; i < p; ++i)
      for (int64_t j = i + 1; j < p; ++j) {
        const double a_ij = s[i * p + j];
        if (std::abs(a_ij) < 1e-300) continue;
        const double theta = (s[j * p + j] - s[i * p + i]) / (2 * a_ij);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), sn = t * c;
        for (int64_t k = 0; k < p; ++k) {  // rotate columns i, j
          const double ki = s[k * p + i], kj = s[k * p + j];
          s[k * p + i] = c * ki - sn * kj;
          s[k * p + j] = sn * ki + c * kj;
        }
        for (int64_t k = 0; k < p; ++k) {  // and rows i, j
          const double ik = s[i * p + k], jk = s[j * p + k];
          s[i * p + k] = c * ik - sn * jk;
          s[j * p + k] = sn * ik + c * jk;
        }
      }
  }
  std::vector<double> values(p);
  for (int64_t i = 0; i < p; ++i) values[i] = s[i * p + i];
  std::sort(values.begin(), values.end(), std::greater<>());
  return values;
}

}  // namespace

std::vector<double> top_singular_values(const float* a, int64_t rows, int64_t cols, int64_t count,
                                        int max_iterations) {
  const int64_t n = cols, k = std::min(count, cols), p = std::min(cols, k + 4);
  if (k <= 0) return {};
  std::vector<double> matrix(a, a + rows * cols), gram(n * n);
  gemm<double>(Transpose::Yes, Transpose::No, n, n, rows, 1.0, matrix.data(), n, matrix.data(), n, 0.0, gram.data(),
               n);
  Rng rng(12345);  // the start only: the result does not depend on it beyond round-off
  std::vector<double> v(n * p), w(n * p), projected(p * p);
  for (double& x : v) x = rng.normal();
  orthonormalise(v, n, p, rng);
  std::vector<double> ritz, previous;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    gemm<double>(Transpose::No, Transpose::No, n, p, n, 1.0, gram.data(), n, v.data(), p, 0.0, w.data(), p);
    // Ritz values: eigenvalues of V^T (A^T A) V.
    gemm<double>(Transpose::Yes, Transpose::No, p, p, n, 1.0, v.data(), p, w.data(), p, 0.0, projected.data(), p);
    ritz = symmetric_eigenvalues(projected, p);
    bool converged = !previous.empty();
    for (int64_t i = 0; i < k && converged; ++i)
      converged = std::abs(ritz[i] - previous[i]) <= 1e-12 * std::max(std::abs(ritz[0]), 1e-300);
    if (converged) break;
    previous = ritz;
    v.swap(w);
    orthonormalise(v, n, p, rng);
  }
  std::vector<double> values(k);
  for (int64_t i = 0; i < k; ++i) values[i] = std::sqrt(std::max(0.0, ritz[i]));
  return values;
}

}  // namespace recur
