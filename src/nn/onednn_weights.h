// Weight staging for a oneDNN layer (onednn_layer.h): the layer's Parameters,
// in PyTorch's layout and gate order, against the plain layouts oneDNN's RNN
// primitives read and write:
//   weights  ldgoi [D][G][H][in]  = PyTorch's [G*H, in] per direction, in
//                                   oneDNN's gate order (both GRUs swap r and z)
//   biases   ldgo  [D][G'][H]     b_ih + b_hh per gate; PyTorch's GRU keeps
//                                 b_hn apart, as a fourth bias (G' = 4)
// stage() copies the current values in before a forward; add_gradients() adds
// what oneDNN computed back into Parameter::grad after a backward. Weights of
// one direction of a cell whose gate order oneDNN shares (LSTM, RNN) can be
// read in place (direct) and need no staged copy.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/cell.h"
#include "recur/parameter.h"

namespace recur::onednn {

struct DirectionParameters {
  Parameter<float>* weight_ih;
  Parameter<float>* weight_hh;
  Parameter<float>* bias_ih;  // null without bias
  Parameter<float>* bias_hh;
};

struct StagedParameters {
  StagedParameters(OnednnCell cell, int64_t directions, int64_t gates, int64_t hidden, int64_t input,
                   const DirectionParameters* parameters);

  // oneDNN gate g holds PyTorch gate perm(g).
  int64_t perm(int64_t g) const { return gru && g < 2 ? 1 - g : g; }
  // Whether a group of `count` directions can read its weights in place.
  bool direct(int64_t count) const { return count == 1 && !gru; }
  // Allocates the staged weight copies (only some groups need them: each is
  // the size of the layer's weights).
  void allocate_weights();
  // Parameters -> staged copies; weights only when a group in use reads them.
  void stage(bool weights);
  // Staged gradients -> Parameter::grad (added).
  void add_gradients(bool weights);

  bool gru, linear_before_reset;
  int64_t D, G, H, I, bias_gates;
  std::vector<DirectionParameters> params;
  std::vector<float> wl, wi, bias, dwl, dwi, dbias;  // weights layer/iter, bias, and their gradients
};

}  // namespace recur::onednn
