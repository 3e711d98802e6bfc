// The pieces cells share (cell.h): column sums and the W_hh gradients.
#include "nn/cell.h"

#include <algorithm>

namespace recur {

template <typename T>
void add_column_sums(const T* rows, int64_t count, int64_t width, int64_t stride, T* out) {
  // Rows outer, columns inner: contiguous and vectorised. Each thread owns a
  // block of columns, so the sums need no reduction across threads.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (width + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (count * width >= kernels::kParallelElements && blocks > 1)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t j0 = blk * kBlock, j1 = std::min(width, j0 + kBlock);
    T sum[kBlock] = {};
    for (int64_t r = 0; r < count; ++r) {
      const T* row = rows + r * stride;
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j) sum[j - j0] += row[j];
    }
    for (int64_t j = j0; j < j1; ++j) out[j] += sum[j - j0];
  }
}

template <typename T>
void hidden_block_gradients(const HiddenGradients<T>& g, int64_t gate_block, int64_t w_block, int64_t blocks,
                            const T* operand, int64_t operand_ld) {
  const int64_t H = g.hidden, GH = g.gates * H;
  const T* dgates = g.grad_gates_h + gate_block * H;
  gemm<T>(Transpose::Yes, Transpose::No, blocks * H, H, g.rows, T(1), dgates, GH, operand, operand_ld, T(1),
          g.grad_w_hh + w_block * H * H, H);
  if (g.grad_b_hh) add_column_sums(dgates, g.rows, blocks * H, GH, g.grad_b_hh + w_block * H);
}

template void add_column_sums<float>(const float*, int64_t, int64_t, int64_t, float*);
template void add_column_sums<double>(const double*, int64_t, int64_t, int64_t, double*);
template void hidden_block_gradients<float>(const HiddenGradients<float>&, int64_t, int64_t, int64_t, const float*,
                                           int64_t);
template void hidden_block_gradients<double>(const HiddenGradients<double>&, int64_t, int64_t, int64_t,
                                            const double*, int64_t);

}  // namespace recur
