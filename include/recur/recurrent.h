// Recurrent: a stack of vanilla RNN, LSTM or GRU layers, uni- or bidirectional,
// with PyTorch's constructor semantics, parameter names, shapes and gate order
// (nn.RNN / nn.LSTM / nn.GRU), exact gradients and variable-length batches.
//
// Shapes (time-major, contiguous; use swap_leading_axes for batch-first):
//   input   [T, B, I]                 output  [T, B, D*H]   (D = 2 if bidirectional)
//   h0, hn  [L*D, B, H]               c0, cn  [L*D, B, H]   (LSTM only)
// Row l*D + d of h0/hn is layer l, direction d (0 forward, 1 reverse), as in PyTorch.
//
// Variable lengths follow PyTorch's packed sequences: sequence b covers steps
// [0, lengths[b]); output past it is zero, hn is the state at its last valid
// step, and the reverse direction starts at step lengths[b]-1 from h0.
//
// The engine (docs/architecture.md): the input projection of all steps is one GEMM, each
// step one recurrent GEMM and one fused pointwise kernel; backward mirrors it
// and computes weight gradients as single GEMMs over all steps. Workspaces are
// sized once per shape; nothing is allocated inside the time loop.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "recur/parameter.h"
#include "recur/rng.h"
#include "recur/tensor.h"

namespace recur {

enum class CellKind { RnnTanh, RnnRelu, Lstm, Gru };

// "rnn_tanh", "rnn_relu", "lstm", "gru" (and back; throws on an unknown name).
std::string cell_name(CellKind cell);
CellKind parse_cell(const std::string& name);
// Gates per cell: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).
int64_t gate_count(CellKind cell);

enum class GruReset {
  AfterProduct,   // PyTorch / cuDNN: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
  BeforeProduct,  // Cho et al. 2014:  n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
};

struct RecurrentOptions {
  CellKind cell = CellKind::Lstm;
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  bool bias = true;
  bool bidirectional = false;
  double dropout = 0.0;  // on the outputs of every layer but the last, in training only
  GruReset gru_reset = GruReset::AfterProduct;

  int64_t directions() const { return bidirectional ? 2 : 1; }
  // Throws std::invalid_argument naming the offending option.
  void validate() const;
};

// Initial or final states; `c` is used by LSTM only. An empty tensor means zeros
// (as an input) or "no gradient arrives here" (as an upstream gradient).
template <typename T>
struct RecurrentState {
  Tensor<T> h;
  Tensor<T> c;
};

template <typename T>
class Recurrent {
 public:
  // Parameters are drawn as PyTorch does: U(-1/sqrt(H), 1/sqrt(H)).
  Recurrent(const RecurrentOptions& options, Rng& rng);
  ~Recurrent();
  Recurrent(Recurrent&&) noexcept;
  Recurrent& operator=(Recurrent&&) noexcept;

  const RecurrentOptions& options() const;
  // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then _reverse, then l1...
  ParameterList<T> parameters();
  // By the layer's own name ("weight_ih_l0"), whatever prefix a model gave it.
  Parameter<T>& parameter(const std::string& name);

  // Runs the stack over `input` and keeps what backward needs. `lengths` is
  // empty (every sequence has T steps) or holds B values in [1, T]. `rng` draws
  // the dropout masks and is needed only when training with dropout > 0.
  void forward(const Tensor<T>& input, const RecurrentState<T>& initial, std::span<const int64_t> lengths,
               Tensor<T>& output, RecurrentState<T>& final, bool training = false, Rng* rng = nullptr);

  // Backpropagates through the last forward. Parameter gradients are added to
  // (calling it twice doubles them); grad_input and grad_initial are written.
  void backward(const Tensor<T>& grad_output, const RecurrentState<T>& grad_final, Tensor<T>& grad_input,
                RecurrentState<T>& grad_initial);

  // Which engine ran the last forward: "onednn" (oneDNN's primitives, float
  // only) or "recur" (our own kernels). Empty before the first forward.
  std::string_view engine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recur
