// The one GEMM wrapper: every matrix product in recur goes through here, so
// the BLAS library can be swapped and measured in one place.
//
// Row-major: C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C.
#pragma once

#include <cstdint>

namespace recur {

enum class Transpose { No, Yes };

template <typename T>
void gemm(Transpose trans_a, Transpose trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

// Threads used by the GEMM library and by recur's own kernels. 0 = all cores.
void set_num_threads(int threads);
int num_threads();

}  // namespace recur
