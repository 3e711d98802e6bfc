// SequencePooling: one vector per sequence from a recurrent layer's outputs,
// over each sequence's valid steps only (padding never changes a result) —
// the many-to-one step of a sequence classifier.
//
//   input   [T, B, D*H]  time-major outputs of a (bi)directional layer, zero past lengths[b]
//   output  [B, D*H]
//
// Modes:
//   last  forward direction's output at the last valid step (lengths[b] - 1),
//         and, when bidirectional, the reverse direction's output at step 0
//         (where it has read the whole sequence): the final states of both.
//   mean  the mean over steps [0, lengths[b]).
//   max   the element-wise maximum over those steps; backward routes each
//         element's gradient to the step that held the maximum (first on ties).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recur/tensor.h"

namespace recur {

enum class PoolingMode { Last, Mean, Max };

// "last", "mean", "max" (and back; parse throws std::invalid_argument listing them).
std::string pooling_name(PoolingMode mode);
PoolingMode parse_pooling(const std::string& name);

template <typename T>
class SequencePooling {
 public:
  // `directions` is 1 or 2: how the feature axis splits for `last`.
  SequencePooling(PoolingMode mode, int64_t directions);

  PoolingMode mode() const { return mode_; }

  // lengths: B values in [1, T]. Keeps the lengths (and argmax) for backward.
  void forward(const Tensor<T>& input, std::span<const int64_t> lengths, Tensor<T>& output);
  // grad_output [B, X] -> grad_input [T, B, X], zero at the steps that were not pooled.
  void backward(const Tensor<T>& grad_output, Tensor<T>& grad_input) const;

 private:
  PoolingMode mode_;
  int64_t directions_;
  Shape input_shape_;
  std::vector<int64_t> lengths_;
  std::vector<int64_t> argmax_;  // [B, X] step of the maximum (max mode)
};

}  // namespace recur
