// Recurrent: a stack of vanilla RNN, LSTM, GRU or MUT1-3 layers, uni- or bidirectional,
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
//
// Memory (recur's own kernels; elements x sizeof(T)). What forward keeps for
// backward, per layer l and direction, with G gates, H hidden units:
//   gates   T*B*G*H           every step's gate activations
//   states  (T+1)*B*H         h0 and every step's h
//   cells   (T+1)*B*H         LSTM only: c0 and every step's c
//   aux     T*B*aux*H         GRU, aux = 1: W_hn h + b_hn (reset after) or r * h (reset before);
//                             MUT1, MUT2: r * h (aux = 1); MUT3: r * h and tanh(h) (aux = 2)
// plus, for the stack, the outputs of layers 0..L-2, T*B*D*H each (twice with
// dropout: the masked copy). So the saved total is
//   L*D*(T*B*G*H + (T+1)*B*H*(1 + lstm) + T*B*H*gru) + (L-1)*T*B*D*H*(1 + dropout)
// Workspaces, reused across calls and layers: backward's gate gradients
// T*B*G*H (twice for PyTorch's GRU, whose W_hh gradient differs), two layer
// gradients T*B*D*H each, and per step O(B*G*H). For an LSTM with T=50, B=32,
// H=256, L=2, D=1: 2*(1.64M + 0.84M) + 0.41M = 5.4M floats = 21 MB.
// The oneDNN engine (float) keeps its own workspaces instead (onednn_layer.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recur/cell.h"
#include "recur/parameter.h"
#include "recur/rng.h"
#include "recur/tensor.h"

namespace recur {

// Bounds on a layer's sizes (RecurrentOptions::validate): far beyond any model
// that fits in memory, and far enough from int64's limit that no shape wraps.
inline constexpr int64_t kMaxLayerWidth = int64_t{1} << 20;
inline constexpr int64_t kMaxLayers = 1024;

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

// A training step's FLOPs (forward 2*H*(input_blocks*I_l + hidden_blocks*H),
// backward twice that) per token, for one layer and direction, averaged over
// the layers: what the engine choice weighs (src/nn/onednn_engine.cpp), and
// what `recur bench` counts.
double step_flops_per_token(const RecurrentOptions& options);

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
  // Parameters are drawn as PyTorch does: U(-1/sqrt(H), 1/sqrt(H)); recurrent_init.h
  // changes W_hh or the LSTM forget bias afterwards.
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

  // Inference from token ids, for a stack whose input is an embedding:
  // project_layer0(table [V, input_size]) gives, per direction, every token's
  // layer-0 input projection [V, G*H] (biases folded in), and forward_tokens
  // runs the stack with ids [T, B] (time-major) picking rows of them instead of
  // projecting each step's input: the same output as forward on the embedded
  // ids, one GEMM fewer. Our kernels; nothing is kept for backward.
  std::vector<Tensor<T>> project_layer0(const Tensor<T>& table);
  void forward_tokens(std::span<const Tensor<T>> tables, std::span<const int64_t> ids, int64_t steps,
                      const RecurrentState<T>& initial, std::span<const int64_t> lengths, Tensor<T>& output,
                      RecurrentState<T>& final);

  // Backpropagates through the last forward. Parameter gradients are added to
  // (calling it twice doubles them); grad_input and grad_initial are written.
  void backward(const Tensor<T>& grad_output, const RecurrentState<T>& grad_final, Tensor<T>& grad_input,
                RecurrentState<T>& grad_initial);

  // Watches the gradient flow (`recur gradients`): during backward, for every
  // layer, direction and step t, `observer` sees dL/dh_t [batch, H] (row-major) —
  // all that reaches the layer's hidden state h_t, from the output at t (the
  // layer above, or the model's head) and from step t+1 — as PyTorch's h_t.grad
  // would hold it. Set it before forward: while it is set the layer runs
  // recur's own kernels (oneDNN's backward keeps no per-step gradient). An
  // empty function stops watching.
  using StateGradientObserver =
      std::function<void(int64_t layer, int64_t direction, int64_t t, int64_t batch, const T* grad_h)>;
  void observe_state_gradients(StateGradientObserver observer);

  // Which engine ran the last forward: "onednn" (oneDNN's primitives, float
  // only) or "recur" (our own kernels). Empty before the first forward.
  std::string_view engine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recur
