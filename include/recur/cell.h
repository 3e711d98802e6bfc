// Cell: which recurrent cell a layer runs, by name, and what that fixes about
// its parameters. One registry (src/nn/cells/cell_registry.cpp) holds every
// cell; names, gate counts and parameter shapes are read from it, never
// repeated by callers (see src/nn/cell.h for the kernels' side of the seam and
// how to add a cell).
//
// Parameters of one layer l and direction (PyTorch's names, "_reverse" for the
// right-to-left direction of a bidirectional stack):
//   weight_ih_l{l}[_reverse]  [input_blocks*H, I_l]   (I_0 = input size, I_l = D*H above)
//   weight_hh_l{l}[_reverse]  [hidden_blocks*H, H]
//   bias_ih_l{l}[_reverse]    [input_blocks*H]        (when the layer has biases)
//   bias_hh_l{l}[_reverse]    [hidden_blocks*H]
// For PyTorch's cells input_blocks = hidden_blocks = gates (G): 1 for the
// vanilla RNNs, 4 for the LSTM (i, f, g, o), 3 for the GRU (r, z, n). The MUT
// cells of Jozefowicz et al. 2015 have 3 gates and fewer input or hidden
// blocks (mut1: 2 and 2, mut2: 2 and 3, mut3: 3 and 3); which block is which
// matrix of their formulas is in docs/checkpoint-format.md and their files.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recur/tensor.h"

namespace recur {

enum class CellKind { RnnTanh, RnnRelu, Lstm, Gru, Mut1, Mut2, Mut3 };

enum class GruReset {
  AfterProduct,   // PyTorch / cuDNN: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
  BeforeProduct,  // Cho et al. 2014:  n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
};

// One block of a step's gate buffer, as it holds it after the step: the gate's
// name and whether it went through a sigmoid (a gate that can saturate shut or
// open) or a tanh (a candidate value).
struct GateBlock {
  std::string_view name;
  bool sigmoid = false;
};

// What a cell kind fixes, whatever its variant (the GRU's reset).
struct CellInfo {
  CellKind kind;
  std::string_view name;   // what cell_name gives and parse_cell reads
  std::string_view alias;  // another name parse_cell reads ("rnn"), or empty
  int64_t gates;           // G: H-wide blocks of a step's gate buffer
  int64_t input_blocks;    // rows of weight_ih / bias_ih, in blocks of H: the leading gates' input part
  int64_t hidden_blocks;   // rows of weight_hh / bias_hh, in blocks of H
  bool cell_state;         // carries a cell state c besides h (LSTM)
  // Adds its input itself to a hidden-sized vector (MUT1's tanh(x), MUT2's r),
  // so every layer's input width must equal the hidden width (Recurrent checks).
  bool input_width_is_hidden = false;
  // The gates blocks in buffer order (the first `gates` entries), for
  // recordings of the gates (recur visualize, gate saturation); empty names
  // for the vanilla RNN, whose one block is no gate.
  std::array<GateBlock, 4> gate_blocks{};
};

const CellInfo& cell_info(CellKind cell);

// "rnn_tanh" (or "rnn"), "rnn_relu", "lstm", "gru", "mut1", "mut2", "mut3" and back; parse_cell throws
// std::invalid_argument on an unknown name, listing the known ones.
std::string cell_name(CellKind cell);
CellKind parse_cell(const std::string& name);
// The names parse_cell reads, for messages: "rnn_tanh, rnn_relu, lstm, gru, mut1, mut2 or mut3".
std::string known_cell_names();
// Gates per cell: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n; MUT: z, r, n in their order).
int64_t gate_count(CellKind cell);

// "after" / "before" and back; parse_gru_reset throws std::invalid_argument.
std::string gru_reset_name(GruReset reset);
GruReset parse_gru_reset(const std::string& name);

// The parameters of one layer and direction, in Recurrent's order.
struct UnitParameter {
  std::string name;
  Shape shape;
};
std::vector<UnitParameter> unit_parameters(CellKind cell, int64_t layer, bool reverse, int64_t input_size,
                                           int64_t hidden_size, bool bias);

}  // namespace recur
