#include "nn/input_projection.h"

#include <algorithm>
#include <cstring>

namespace recur {

namespace {

// Each row of out [rows, width] becomes a copy of row (beta = 1 then adds the product on top).
template <typename T>
void broadcast_rows(const T* row, int64_t rows, int64_t width, T* out) {
#pragma omp parallel for schedule(static) if (rows * width >= kernels::kParallelElements)
  for (int64_t r = 0; r < rows; ++r) std::memcpy(out + r * width, row, sizeof(T) * width);
}

}  // namespace

template <typename T>
void project_inputs(const CellSpec& cell, int64_t H, const ProjectionWeights<T>& w, const T* x, int64_t rows,
                    int64_t I, Tensor<T>& bias_row, T* gates) {
  const int64_t GH = cell.info.gates * H, input_columns = cell.info.input_blocks * H;
  T beta = T(0);
  if (w.bias_ih || input_columns < GH) {
    bias_row.resize({GH});
    bias_row.zero();
    if (w.bias_ih) {
      std::copy_n(w.bias_ih, input_columns, bias_row.data());
      T* folded = bias_row.data() + cell.hidden_block_offset() * H;
      for (int64_t j = 0; j < cell.folded_hh_bias_blocks * H; ++j) folded[j] += w.bias_hh[j];
    }
    broadcast_rows(bias_row.data(), rows, GH, gates);
    beta = T(1);
  }
  gemm<T>(Transpose::No, Transpose::Yes, rows, input_columns, I, T(1), x, I, w.weight_ih, I, beta, gates, GH);
  if (const auto direct = cell.steps<T>().project_direct)
    direct({.rows = rows, .input_size = I, .hidden = H, .x = x, .gates = gates});
}

template <typename T>
void project_inputs_backward(const CellSpec& cell, int64_t H, const T* weight_ih, const T* x, const T* grad_gates,
                             int64_t rows, int64_t I, bool accumulate, T* grad_x) {
  const int64_t GH = cell.info.gates * H, input_columns = cell.info.input_blocks * H;
  gemm<T>(Transpose::No, Transpose::No, rows, I, input_columns, T(1), grad_gates, GH, weight_ih, I,
          accumulate ? T(1) : T(0), grad_x, I);
  if (const auto direct = cell.steps<T>().project_direct_backward)
    direct({.rows = rows, .input_size = I, .hidden = H, .x = x, .grad_gates = grad_gates, .grad_x = grad_x});
}

template void project_inputs<float>(const CellSpec&, int64_t, const ProjectionWeights<float>&, const float*, int64_t,
                                    int64_t, Tensor<float>&, float*);
template void project_inputs<double>(const CellSpec&, int64_t, const ProjectionWeights<double>&, const double*,
                                     int64_t, int64_t, Tensor<double>&, double*);
template void project_inputs_backward<float>(const CellSpec&, int64_t, const float*, const float*, const float*,
                                             int64_t, int64_t, bool, float*);
template void project_inputs_backward<double>(const CellSpec&, int64_t, const double*, const double*, const double*,
                                              int64_t, int64_t, bool, double*);

}  // namespace recur
