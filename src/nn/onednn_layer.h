// OnednnLayer: one layer (every direction) of a float Recurrent stack run on
// oneDNN's RNN primitives, behind Recurrent's interface (docs/architecture.md, "The
// engine"). oneDNN computes exactly what our own kernels do for every float
// configuration: LSTM, both GRUs (PyTorch's reset-after is oneDNN's
// linear-before-reset GRU, the original reset-before GRU its plain GRU) and
// the tanh/ReLU RNN (a cell's registration names its primitive: nn/cell.h).
// Our own kernels remain the reference and serve double.
//
// The layer's pieces, one file each: the engine choice (onednn_engine.h), the
// gathering of rows and states between a run and the caller's tensors
// (onednn_rows.h), the weight staging (onednn_weights.h), and the primitive
// runs themselves (onednn_layer.cpp).
//
// oneDNN has no variable lengths. With lengths, each direction runs as a chain
// of calls over time segments in which the same sequences are active
// (length_segments.h): exact, and faster than our kernels when each call has
// enough work (worth_segmenting). Full-length batches run as one call for all
// directions.
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

#include "nn/length_segments.h"
#include "nn/onednn_engine.h"
#include "nn/onednn_weights.h"
#include "recur/recurrent.h"

namespace recur::onednn {

class OnednnLayer {
 public:
  OnednnLayer(const RecurrentOptions& options, int64_t input_size, const DirectionParameters* directions);
  ~OnednnLayer();

  // x must stay alive and unchanged until backward. lengths null = all full;
  // else Recurrent's lengths cut into segments (output past a sequence's end
  // is zero). h0, c0 may be null (zeros). y_stays: the caller keeps y unchanged until backward, so the
  // layer may keep it as its saved output instead of a copy of its own.
  void forward(const float* x, int64_t steps, int64_t batch, const LengthSegments* lengths, const float* h0,
               const float* c0, float* y, float* hn, float* cn, bool y_stays = false);
  // dy, dhn, dcn may be null (no gradient arrives there). Writes dx, dh0, dc0
  // (dc0 for LSTM); adds the parameter gradients.
  void backward(const float* dy, const float* dhn, const float* dcn, float* dx, float* dh0, float* dc0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recur::onednn
