// The largest singular values of a matrix, for `recur gradients` (the
// spectrum of each W_hh: the vanilla RNN's gradient over k steps is a product
// of k Jacobians W_hh^T diag(f'), so sigma_max(W_hh) < 1 bounds its decay).
//
// Method: subspace (block power) iteration on the Gram matrix A^T A in double,
// with a few more vectors than asked for (the rate is lambda_{p+1}/lambda_k
// rather than lambda_{k+1}/lambda_k), re-orthonormalised each round, then
// Rayleigh-Ritz (Jacobi on the small projected matrix). Stops when the Ritz
// values change by less than 1e-12 relatively, or after max_iterations.
#pragma once

#include <cstdint>
#include <vector>

namespace recur {

// The `count` largest singular values of the row-major [rows, cols] matrix
// `a`, largest first (count is capped at cols).
std::vector<double> top_singular_values(const float* a, int64_t rows, int64_t cols, int64_t count,
                                        int max_iterations = 3000);

}  // namespace recur
