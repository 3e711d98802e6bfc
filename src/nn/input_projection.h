// The input projection of one layer and direction over many rows at once (all
// steps of a batch in training, one step in generation), shared by Recurrent
// and RecurrentStepper:
//   gates [rows, G*H] = x [rows, I] x W_ih^T + b_ih  on the leading input_blocks gate blocks,
//                     + the leading folded_hh_bias_blocks of b_hh (cell.h),
//                     + the cell's direct input, if it has one; zero elsewhere.
// Biases go in as one broadcast row, so they cost one pass, not one per step.
#pragma once

#include <cstdint>

#include "nn/cell.h"
#include "recur/tensor.h"

namespace recur {

template <typename T>
struct ProjectionWeights {
  const T* weight_ih;  // [input_blocks*H, I]
  const T* bias_ih;    // [input_blocks*H], null without biases
  const T* bias_hh;    // [hidden_blocks*H], null without biases
};

// bias_row is a workspace of G*H.
template <typename T>
void project_inputs(const CellSpec& cell, int64_t hidden, const ProjectionWeights<T>& w, const T* x, int64_t rows,
                    int64_t input_size, Tensor<T>& bias_row, T* gates);

// The gradients of what project_inputs added from x: grad_x [rows, I] =
// grad_gates x W_ih (plus grad_x when accumulate), and the cell's direct part.
template <typename T>
void project_inputs_backward(const CellSpec& cell, int64_t hidden, const T* weight_ih, const T* x,
                             const T* grad_gates, int64_t rows, int64_t input_size, bool accumulate, T* grad_x);

}  // namespace recur
