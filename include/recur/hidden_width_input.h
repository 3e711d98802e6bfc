// HiddenWidthInput: the first layer's input, brought to the hidden width when
// the cell needs that. MUT1 and MUT2 add their input to a hidden-sized vector
// (CellInfo::input_width_is_hidden), so a model whose input is I != H wide
// feeds them through a Linear map [I] -> [H] ("weight" [H, I], "bias" [H];
// models name it "projection.*"); for every other cell, or when I = H, the
// input goes through as it is and there are no parameters. The language model
// needs none of it: its embedding is made H wide instead (recur train).
#pragma once

#include <optional>

#include "recur/cell.h"
#include "recur/linear.h"
#include "recur/tensor.h"

namespace recur {

// Whether a model with this cell and widths needs the projection.
bool needs_hidden_width_projection(CellKind cell, int64_t input_size, int64_t hidden_size);

template <typename T>
class HiddenWidthInput {
 public:
  // Draws the projection's parameters from rng only when it is needed.
  HiddenWidthInput(CellKind cell, int64_t input_size, int64_t hidden_size, Rng& rng);

  bool projects() const { return linear_.has_value(); }
  int64_t output_size() const { return output_size_; }
  ParameterList<T> parameters();

  // x [..., I] -> [..., output_size()]: x itself, or the projection (kept for backward).
  const Tensor<T>& forward(const Tensor<T>& x);
  // grad_y of the last forward -> grad_x (grad_y itself when nothing projects);
  // adds to the projection's gradients.
  const Tensor<T>& backward(const Tensor<T>& grad_y);

 private:
  int64_t output_size_;
  std::optional<Linear<T>> linear_;
  Tensor<T> projected_, grad_x_;
};

}  // namespace recur
