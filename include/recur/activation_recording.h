// ActivationRecording: what every unit of a character LanguageModel does over
// a text, one character at a time (batch 1, from a zero state, no dropout) —
// the hidden state of every layer, the LSTM cell state, every gate, and the
// next character's logits — for `recur visualize` (Karpathy, Johnson &
// Fei-Fei 2016, "Visualizing and understanding recurrent networks").
//
// Computed by the generation path (RecurrentStepper, the cell kernels of
// training), whose gate buffers hold each gate's activation after a step; the
// tests check the recorded gates against the cells' equations, and h and c
// against the model's own batch-1 forward.
//
//   layers[l].h      [T, H]    h after reading character t
//   layers[l].c      [T, H]    LSTM only: the cell state after character t
//   layers[l].gates  [T, G*H]  LSTM: i, f, g, o; GRU: r, z, n; MUT: the blocks
//                              of CellInfo::gate_blocks; after their
//                              nonlinearity (sigmoid, or tanh for g and n);
//                              empty for a vanilla RNN (no gates)
//   logits           [T, V]    the next character's logits after character t
#pragma once

#include <span>
#include <string>
#include <vector>

#include "recur/language_model.h"

namespace recur {

struct LayerActivations {
  Tensor<float> h;
  Tensor<float> c;
  Tensor<float> gates;
};

struct ActivationRecording {
  CellKind cell = CellKind::Lstm;
  int64_t steps = 0;
  int64_t hidden_size = 0;
  std::vector<LayerActivations> layers;
  Tensor<float> logits;
};

// The names of a cell's gates in recording order ({"input", "forget", "cell",
// "output"} for LSTM, {"reset", "update", "new"} for GRU, {} for RNN; from
// the cell registry), and
// whether each is a sigmoid gate (whose saturation means "fully closed/open").
std::vector<std::string> gate_names(CellKind cell);
bool is_sigmoid_gate(CellKind cell, size_t gate);

// Throws std::invalid_argument for a bidirectional model or a token outside
// the vocabulary.
ActivationRecording record_activations(LanguageModel& model, std::span<const int64_t> tokens);

}  // namespace recur
