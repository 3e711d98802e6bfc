// What the fused pointwise kernels of every cell share (the kernels themselves
// live with their cell, in src/nn/cells/): the rows of one step, activations,
// and the carrying of rows whose sequence has ended.
//
// Shapes, for one step over a batch of B rows and H hidden units:
//   gates     [B, G*H]  pre-activations in, activations out (forward);
//                       activations in (backward)
//   h, c      [B, H]    states (prev = before the step, out = after it)
//   y         [B, H] with row stride y_stride: the layer output slot of this
//             direction; written as zero where the row is inactive
//   grad_*    same shapes as what they are the gradient of
//
// A row b is active at time t when t < lengths[b] (lengths == nullptr: always).
// An inactive row carries its state through unchanged and produces zero
// output, which is how packed-sequence semantics come out of a dense batch;
// going back, its gate gradients are zero and the state gradient passes through.
//
// Backward convention of a kernel: grad_h holds dL/dh_t (from the future) on
// entry and the *direct* part of dL/dh_{t-1} on exit (the part not through
// W_hh); the cell's step then adds grad_gates_h x W_hh. grad_c likewise for
// the LSTM cell state.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "nn/cell_rows.h"

namespace recur::kernels {

// Below this many elements per step a parallel region costs more than it saves.
inline constexpr int64_t kParallelElements = 32768;

struct StepRows {
  int64_t batch;
  int64_t hidden;
  const int64_t* lengths;  // nullptr: every row active
  int64_t t;               // the time index of this step
  bool active(int64_t b) const { return lengths == nullptr || t < lengths[b]; }
  bool parallel() const { return batch > 1 && batch * hidden >= kParallelElements; }
};

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

template <typename T>
inline void carry_inactive_row(const StepRows& s, int64_t b, const T* h_prev, T* h_out, T* y, int64_t y_stride) {
  const int64_t H = s.hidden;
  std::memcpy(h_out + b * H, h_prev + b * H, sizeof(T) * H);
  std::fill_n(y + b * y_stride, H, T(0));
}

}  // namespace recur::kernels
