// The cell seam: everything that differs between recurrent cells, behind one
// descriptor (CellSpec), so that the drivers (recurrent.cpp for training,
// recurrent_stepper.cpp for generation) hold no per-cell code and the oneDNN
// layer learns from it which primitive runs the cell.
//
// The driver owns the parameters, the time loop, the saved buffers and the
// products with W_ih (the input projection of all steps, its weight gradient
// and the input gradient). A cell owns one time step of a batch, forward and
// backward, including its products with W_hh (a GRU with the reset after the
// product needs it apart; with the reset before, it takes two), and the W_hh
// and b_hh gradients over all steps. Dispatch is once per step, through plain
// function pointers; the kernels stay templated on float/double with the
// vectorised float rows of cell_rows.h.
//
// Shapes of one step over B rows and H hidden units (G = gates):
//   gates        [B, G*H]  forward: in, the input projection x W_ih^T + b_ih
//                          plus the folded part of b_hh (below); out, whatever
//                          the cell's backward needs (usually the activations)
//   h_prev, h_out [B, H]   c_prev, c_out [B, H] (cells with a cell state)
//   aux          [B, aux_blocks*H]      kept per step for backward
//   scratch      [B, scratch_blocks*H]  workspace of one step, not kept
//   y            [B, H] at row stride y_stride; zero where a row is inactive
// Row b is active at step t when t < lengths[b] (kernels::StepRows): an
// inactive row carries its state and writes zero output; going back its gate
// gradients are zero and its state gradient passes through.
//
// Weight blocks: W_ih's input_blocks*H rows feed the leading input_blocks gate
// blocks; W_hh's hidden_blocks*H rows belong to the trailing hidden_blocks gate
// blocks (offset G - hidden_blocks), and the leading folded_hh_bias_blocks of
// b_hh are added to the projection once for all steps (the rest, if any, is
// the cell's to add: PyTorch's GRU keeps b_hn inside r * (...)).
//
// Adding a cell (MUT1 of Jozefowicz et al. 2015 was added this way):
//   z = s(W_xz x + b_z), r = s(W_xr x + W_hr h + b_r),
//   h' = tanh(W_hh (r * h) + tanh(x) + b_h) * z + h * (1 - z)
//   1. a CellKind value in include/recur/cell.h (CellKind::Mut1);
//   2. one file src/nn/cells/mut1_cell.cpp: its kernels (shapes in comments;
//      MUT1 shares its reset and state update with the Cho GRU and MUT2-3,
//      in reset_before_kernels.h), a class template Mut1Steps<T> with static
//      forward and backward, and hidden_gradients / project_direct /
//      project_direct_backward when it has them (cell_steps finds them), and
//      `const CellSpec& mut1_cell()`: name "mut1" (parse_cell and cell_name
//      read it from the registry); gate blocks z, r, n ordered so that W_ih
//      feeds the leading ones and W_hh the trailing ones (for MUT2 that is
//      n, z, r); gates 3, input_blocks 2 (W_xz, W_xr), hidden_blocks 2 (W_hr,
//      W_hh: gate blocks 1, 2), folded_hh_bias_blocks 2, aux_blocks 1 (r * h,
//      W_hh's operand and gradient), scratch_blocks 1, onednn None. forward:
//      the r product, the reset, the n product on r * h, the state update;
//      backward its mirror; hidden_gradients one hidden_block_gradients per
//      operand; project_direct adds tanh(x) to gate block 2 of every step at
//      once and project_direct_backward adds its gradient to grad_x (both in
//      direct_input.h); info.input_width_is_hidden = true, which Recurrent
//      checks (I = H in every layer, so no bidirectional stack below);
//      `validate` is for any other condition on the sizes;
//   3. its declaration in src/nn/cells/cells.h and its line in
//      src/nn/cells/cell_registry.cpp.
//   recurrent.cpp, recurrent_stepper.cpp and the oneDNN layer stay as they
//   are: the layer takes recur's kernels for a cell without a primitive.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>

#include "nn/cell_kernels.h"
#include "recur/cell.h"
#include "recur/gemm.h"

namespace recur {

struct RecurrentOptions;

// One time step of one layer and direction, forward. See the file comment.
template <typename T>
struct ForwardStep {
  kernels::StepRows rows;
  const T* w_hh;  // [hidden_blocks*H, H]
  const T* b_hh;  // [hidden_blocks*H], null without biases
  T* gates;
  const T* h_prev;
  T* h_out;
  const T* c_prev;  // null for cells without a cell state
  T* c_out;         // may be c_prev itself (the stepper updates c in place)
  T* aux;
  T* scratch;
  T* y;
  int64_t y_stride;
};

// One time step, backward. grad_h holds dL/dh_t (from the future) on entry and
// all of dL/dh_{t-1} on exit (through W_hh included); grad_c likewise.
// grad_gates goes to W_ih and b_ih; grad_gates_h to W_hh and b_hh, and is
// grad_gates itself unless the cell has separate_hh_gradient.
template <typename T>
struct BackwardStep {
  kernels::StepRows rows;
  const T* w_hh;
  const T* gates;  // as forward left them
  const T* h_prev;
  const T* c_prev;  // null for cells without a cell state
  const T* c_now;
  const T* aux;
  const T* grad_y;  // null: no gradient arrives at the output
  int64_t y_stride;
  T* grad_h;
  T* grad_c;
  T* grad_gates;
  T* grad_gates_h;
  T* scratch;
};

// After backward's time loop: adds the W_hh and b_hh gradients of all steps.
template <typename T>
struct HiddenGradients {
  int64_t rows;   // T*B
  int64_t hidden;
  int64_t gates;
  const T* grad_gates_h;  // [rows, G*H]
  const T* h_prev;        // [rows, H]: the states that fed the steps
  const T* aux;           // [rows, aux_blocks*H]
  T* grad_w_hh;           // [hidden_blocks*H, H]
  T* grad_b_hh;           // [hidden_blocks*H], null without biases
};

// The part of a cell's input that bypasses W_ih (MUT cells add x or tanh(x)),
// over `rows` rows at once: forward adds it to the gates [rows, G*H] after the
// projection; backward adds its gradient to grad_x [rows, I].
template <typename T>
struct DirectInput {
  int64_t rows = 0, input_size = 0, hidden = 0;
  const T* x = nullptr;
  T* gates = nullptr;             // forward
  const T* grad_gates = nullptr;  // backward
  T* grad_x = nullptr;            // backward
};

template <typename T>
struct CellSteps {
  void (*forward)(const ForwardStep<T>&);
  void (*backward)(const BackwardStep<T>&);
  // null: plain_hidden_gradients over the cell's hidden blocks.
  void (*hidden_gradients)(const HiddenGradients<T>&) = nullptr;
  // null: all input goes through W_ih.
  void (*project_direct)(const DirectInput<T>&) = nullptr;
  void (*project_direct_backward)(const DirectInput<T>&) = nullptr;
};

// The CellSteps of a class template Steps<T> with static forward and backward,
// and hidden_gradients, project_direct and project_direct_backward if it has them.
template <template <typename> class Steps, typename T>
CellSteps<T> cell_steps() {
  CellSteps<T> steps{.forward = &Steps<T>::forward, .backward = &Steps<T>::backward};
  if constexpr (requires { &Steps<T>::hidden_gradients; }) steps.hidden_gradients = &Steps<T>::hidden_gradients;
  if constexpr (requires { &Steps<T>::project_direct; }) {
    steps.project_direct = &Steps<T>::project_direct;
    steps.project_direct_backward = &Steps<T>::project_direct_backward;
  }
  return steps;
}

// Which oneDNN primitive computes exactly this cell, if any.
enum class OnednnCell { None, VanillaTanh, VanillaRelu, Lstm, Gru, LinearBeforeResetGru };

struct CellSpec {
  CellInfo info;
  std::optional<GruReset> gru_reset = std::nullopt;  // the GRU variant this spec is; nullopt for other cells
  int64_t aux_blocks = 0;
  int64_t scratch_blocks = 0;
  int64_t folded_hh_bias_blocks = 0;
  bool separate_hh_gradient = false;
  OnednnCell onednn = OnednnCell::None;
  // Extra conditions on a layer's sizes (throws std::invalid_argument); null: none.
  void (*validate)(const RecurrentOptions& options) = nullptr;
  CellSteps<float> float_steps;
  CellSteps<double> double_steps;

  template <typename T>
  const CellSteps<T>& steps() const {
    if constexpr (std::is_same_v<T, float>) return float_steps;
    else return double_steps;
  }
  int64_t hidden_block_offset() const { return info.gates - info.hidden_blocks; }
};

// The cell a layer runs (the GRU's variant chosen by `reset`).
const CellSpec& cell_spec(CellKind cell, GruReset reset);

// ------------------------------------------------- pieces cells share

// out [B, blocks*H] (row stride ld) = beta * out + h [B, H] (row stride h_ld, default H)
// x W_hh[rows of blocks first..]^T.
template <typename T>
void hidden_product(int64_t batch, int64_t H, const T* h, const T* w_hh, int64_t first, int64_t blocks, T beta,
                    T* out, int64_t ld, int64_t h_ld = 0) {
  gemm<T>(Transpose::No, Transpose::Yes, batch, blocks * H, H, T(1), h, h_ld > 0 ? h_ld : H, w_hh + first * H * H, H,
          beta, out, ld);
}

// grad_h [B, H] = beta * grad_h + grad [B, blocks*H] (row stride ld) x W_hh[rows of blocks first..].
template <typename T>
void hidden_product_back(int64_t batch, int64_t H, const T* grad, int64_t ld, const T* w_hh, int64_t first,
                         int64_t blocks, T beta, T* grad_h) {
  gemm<T>(Transpose::No, Transpose::No, batch, H, blocks * H, T(1), grad, ld, w_hh + first * H * H, H, beta, grad_h,
          H);
}

// out[j] += sum over `count` rows (stride `stride`) of rows[r][j], j < width.
template <typename T>
void add_column_sums(const T* rows, int64_t count, int64_t width, int64_t stride, T* out);

// The W_hh and b_hh gradients of `blocks` blocks of W_hh from w_block on, which
// multiplied `operand` [rows, H] (row stride operand_ld) into the gate blocks
// from gate_block on: dW_hh += dgates_h^T operand, db_hh += column sums.
template <typename T>
void hidden_block_gradients(const HiddenGradients<T>& g, int64_t gate_block, int64_t w_block, int64_t blocks,
                            const T* operand, int64_t operand_ld);

// The plain W_hh and b_hh gradients, for cells whose recurrent product is
// h_prev x W_hh^T alone (W_hh's blocks feed the gate blocks from offset on).
template <typename T>
void plain_hidden_gradients(const HiddenGradients<T>& g, int64_t blocks, int64_t offset) {
  hidden_block_gradients(g, offset, 0, blocks, g.h_prev, g.hidden);
}

}  // namespace recur
