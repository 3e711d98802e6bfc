// The input that bypasses W_ih in MUT1 (tanh(x) into the candidate) and MUT2
// (x into the reset gate): x [rows, I] with I = H added to one gate block of
// every row at once, and its gradient (CellSteps::project_direct, cell.h).
#pragma once

#include <cmath>

#include "nn/cell.h"

namespace recur {

// gates[:, block] += f(x), f = tanh or the identity.
template <typename T, bool Tanh>
void add_direct_input(const DirectInput<T>& d, int64_t block, int64_t gates) {
  const int64_t H = d.hidden, GH = gates * H;
#pragma omp parallel for schedule(static) if (d.rows * H >= kernels::kParallelElements)
  for (int64_t r = 0; r < d.rows; ++r) {
    const T* x = d.x + r * d.input_size;
    T* g = d.gates + r * GH + block * H;
    for (int64_t j = 0; j < H; ++j) g[j] += Tanh ? std::tanh(x[j]) : x[j];
  }
}

// grad_x += grad_gates[:, block] * f'(x).
template <typename T, bool Tanh>
void add_direct_input_gradient(const DirectInput<T>& d, int64_t block, int64_t gates) {
  const int64_t H = d.hidden, GH = gates * H;
#pragma omp parallel for schedule(static) if (d.rows * H >= kernels::kParallelElements)
  for (int64_t r = 0; r < d.rows; ++r) {
    const T* x = d.x + r * d.input_size;
    const T* dg = d.grad_gates + r * GH + block * H;
    T* dx = d.grad_x + r * d.input_size;
    for (int64_t j = 0; j < H; ++j) {
      if constexpr (Tanh) {
        const T t = std::tanh(x[j]);
        dx[j] += dg[j] * (T(1) - t * t);
      } else {
        dx[j] += dg[j];
      }
    }
  }
}

}  // namespace recur
