// top_singular_values against matrices built with known singular values:
// A = U diag(s) V^T with random orthonormal U, V.
#include <gtest/gtest.h>

#include <cmath>

#include "recur/rng.h"
#include "recur/singular_values.h"

namespace recur {
namespace {

// A random n x n orthogonal matrix (Gram-Schmidt on Gaussian columns), row-major.
std::vector<double> random_orthogonal(int64_t n, Rng& rng) {
  std::vector<double> q(n * n);
  for (double& x : q) x = rng.normal();
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < j; ++i) {
      double dot = 0;
      for (int64_t r = 0; r < n; ++r) dot += q[r * n + i] * q[r * n + j];
      for (int64_t r = 0; r < n; ++r) q[r * n + j] -= dot * q[r * n + i];
    }
    double norm = 0;
    for (int64_t r = 0; r < n; ++r) norm += q[r * n + j] * q[r * n + j];
    for (int64_t r = 0; r < n; ++r) q[r * n + j] /= std::sqrt(norm);
  }
  return q;
}

TEST(SingularValues, FindsTheLargestOfAKnownSpectrum) {
  Rng rng(3);
  const int64_t n = 40;
  std::vector<double> s(n);
  for (int64_t i = 0; i < n; ++i) s[i] = 0.2 + 0.02 * i;  // largest 0.98, 0.96, 0.94: close together
  s[7] = 2.5;
  s[20] = 1.7;
  const std::vector<double> u = random_orthogonal(n, rng), v = random_orthogonal(n, rng);
  std::vector<float> a(n * n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += u[r * n + k] * s[k] * v[c * n + k];
      a[r * n + c] = static_cast<float>(sum);
    }
  const std::vector<double> top = top_singular_values(a.data(), n, n, 4);
  ASSERT_EQ(top.size(), 4u);
  // float storage of A limits the agreement to about 1e-6 relative.
  EXPECT_NEAR(top[0], 2.5, 1e-5);
  EXPECT_NEAR(top[1], 1.7, 1e-5);
  EXPECT_NEAR(top[2], 0.98, 1e-4);
  EXPECT_NEAR(top[3], 0.96, 1e-4);
}

TEST(SingularValues, RectangularAndCapped) {
  // [[3, 0], [0, 4], [0, 0]]: singular values 4, 3; asking for 5 gives 2.
  const std::vector<float> a = {3, 0, 0, 4, 0, 0};
  const std::vector<double> top = top_singular_values(a.data(), 3, 2, 5);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_NEAR(top[0], 4.0, 1e-9);
  EXPECT_NEAR(top[1], 3.0, 1e-9);
}

}  // namespace
}  // namespace recur
