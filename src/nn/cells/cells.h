// Every cell's registration (one function per cell file in this folder),
// listed once in cell_registry.cpp. See nn/cell.h for what a cell provides.
#pragma once

#include "nn/cell.h"

namespace recur {

const CellSpec& rnn_tanh_cell();          // rnn_cell.cpp
const CellSpec& rnn_relu_cell();          // rnn_cell.cpp
const CellSpec& lstm_cell();              // lstm_cell.cpp
const CellSpec& gru_cell();               // gru_cell.cpp: PyTorch's, reset after the product
const CellSpec& gru_reset_before_cell();  // gru_reset_before_cell.cpp
const CellSpec& mut1_cell();              // mut1_cell.cpp: Jozefowicz et al. 2015
const CellSpec& mut2_cell();              // mut2_cell.cpp
const CellSpec& mut3_cell();              // mut3_cell.cpp

// What both GRU variants share (gru_cell.cpp).
CellInfo gru_info();

}  // namespace recur
