// OnednnLayer: one layer (every direction) of a float Recurrent stack run on
// oneDNN's RNN primitives, behind Recurrent's interface (design.md, "The
// engine"). Used where it is faster and oneDNN computes exactly what our own
// kernels do: float, every sequence of full length, LSTM, the PyTorch GRU
// (oneDNN's linear-before-reset GRU) and the vanilla tanh/ReLU RNN. Our own
// kernels remain the reference and serve everything else (double, variable
// lengths, the reset-before GRU).
//
// Parameters stay in PyTorch's layout and names, owned by Recurrent; every
// forward and backward reorders them into the primitives' formats (a few MB,
// under 1% of a step) so that an optimizer's updates are always seen. Weight
// gradients are added into Parameter::grad, as Recurrent's contract requires.
//
// Shapes, as Recurrent's: x [T, B, I], y [T, B, D*H], states [D, B, H].
#pragma once

#include <cstdint>
#include <memory>

#include "recur/parameter.h"
#include "recur/recurrent.h"

namespace recur::onednn {

// Whether this build has oneDNN and the engine is not switched off with
// RECUR_ENGINE=recur (read once; RECUR_ENGINE=onednn or unset = use it; any
// other value throws std::invalid_argument naming it).
bool enabled();

// Whether oneDNN runs this configuration (cell, reset placement).
bool supports(const RecurrentOptions& options);

struct DirectionParameters {
  Parameter<float>* weight_ih;
  Parameter<float>* weight_hh;
  Parameter<float>* bias_ih;  // null without bias
  Parameter<float>* bias_hh;
};

class OnednnLayer {
 public:
  OnednnLayer(const RecurrentOptions& options, int64_t input_size, const DirectionParameters* directions);
  ~OnednnLayer();

  // x must stay alive and unchanged until backward. h0, c0 may be null (zeros).
  void forward(const float* x, int64_t steps, int64_t batch, const float* h0, const float* c0, float* y, float* hn,
               float* cn);
  // dy, dhn, dcn may be null (no gradient arrives there). Writes dx, dh0, dc0
  // (dc0 for LSTM); adds the parameter gradients.
  void backward(const float* dy, const float* dhn, const float* dcn, float* dx, float* dh0, float* dc0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recur::onednn
