#include "recur/gemm.h"

#include <cblas.h>
#include <omp.h>

#include <thread>

namespace recur {

namespace {
CBLAS_TRANSPOSE to_cblas(Transpose t) { return t == Transpose::Yes ? CblasTrans : CblasNoTrans; }
}  // namespace

template <>
void gemm<float>(Transpose ta, Transpose tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (m == 1) {  // one row (batch-1 generation): stream B once instead of packing it
    cblas_sgemv(CblasRowMajor, tb == Transpose::Yes ? CblasNoTrans : CblasTrans, tb == Transpose::Yes ? n : k,
                tb == Transpose::Yes ? k : n, alpha, b, ldb, a, ta == Transpose::Yes ? lda : 1, beta, c, 1);
    return;
  }
  cblas_sgemm(CblasRowMajor, to_cblas(ta), to_cblas(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <>
void gemm<double>(Transpose ta, Transpose tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                  int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, to_cblas(ta), to_cblas(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void set_num_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  openblas_set_num_threads(threads);
  omp_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace recur
