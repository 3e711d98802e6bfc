// RecurrentStepper: one time step of a unidirectional Recurrent stack at a
// time, for generation. It keeps no training workspaces and saves nothing for
// backward; it reads the layer's parameters on every step, so it always sees
// the current weights.
//
//   state.h, state.c  [L, B, H]   updated in place
//   x                 [B, I]      the input of one step
#pragma once

#include <functional>
#include <span>

#include "recur/recurrent.h"

namespace recur {

struct CellSpec;

template <typename T>
class RecurrentStepper {
 public:
  // Throws std::invalid_argument for a bidirectional stack (it needs the future).
  explicit RecurrentStepper(Recurrent<T>& layer);

  // Layer 0's input projection x W_ih^T plus the biases that do not depend on
  // h: out [rows, G*H]. A caller with a fixed set of inputs (an embedding
  // table) can project them all once and step with step_projected.
  void project_input(const T* x, int64_t rows, T* out) const;

  // Zero state for `batch` rows.
  RecurrentState<T> initial_state(int64_t batch) const;

  // One step from x [B, I]; returns the top layer's new h [B, H] (inside state).
  const T* step(const T* x, int64_t batch, RecurrentState<T>& state);
  // One step from layer 0's projected input [B, G*H] (see project_input).
  const T* step_projected(const T* projected, int64_t batch, RecurrentState<T>& state);
  // One step whose row r's projected input is row rows[r] of table [table_rows, G*H]
  // (project_input of every token), gathered straight into the gates.
  const T* step_table(const T* table, int64_t table_rows, std::span<const int64_t> rows, RecurrentState<T>& state);

  // Sees each layer as a step leaves it: its gate buffer [B, G*H] (the
  // activations, in the blocks of CellInfo::gate_blocks), and its new h and c
  // [B, H] (c null without a cell state). For recordings (recur visualize).
  using LayerObserver = std::function<void(int64_t layer, const T* gates, const T* h, const T* c)>;
  const T* step_observed(const T* x, int64_t batch, RecurrentState<T>& state, const LayerObserver& observe);

 private:
  struct LayerWeights {
    const Parameter<T>* weight_ih;
    const Parameter<T>* weight_hh;
    const Parameter<T>* bias_ih;  // null without bias
    const Parameter<T>* bias_hh;
  };
  void project(const LayerWeights& w, const T* x, int64_t rows, int64_t in, T* out) const;
  void recur_layer(const LayerWeights& w, int64_t batch, T* gates, T* h, T* c);
  const T* run_layers(int64_t batch, RecurrentState<T>& state, const LayerObserver* observe);

  RecurrentOptions options_;
  const CellSpec* cell_;  // what one step computes (src/nn/cell.h)
  std::vector<LayerWeights> layers_;
  Tensor<T> gates_, projected_, aux_, step_scratch_, next_h_;
  mutable Tensor<T> bias_row_;  // project's workspace
};

}  // namespace recur
