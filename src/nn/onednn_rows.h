// Gathering and scattering for oneDNN runs (onednn_layer.cpp): a run covers
// time steps [seg.t0, seg.t1) of the seg.batch longest sequences
// (length_segments.h), dense; the caller's tensors hold every row of the batch
// in its own order. These copy a run's rows of sequence data and of states
// between the two.
#pragma once

#include <cstdint>

#include "nn/length_segments.h"

namespace recur::onednn {

// A run's rows in the caller's sequence data [T, B, W]: steps seg.t0.., rows
// order[0..seg.batch), columns [offset, offset + width). A run's own copy is
// dense [steps, batch, width].
struct RowView {
  int64_t B, W, offset, width;
  const int64_t* order;
  bool identity;  // order[r] == r
  bool contiguous(const TimeSegment& seg) const { return identity && seg.batch == B && width == W; }
};

// from == nullptr reads zeros.
void gather_steps(const float* from, const RowView& v, const TimeSegment& seg, float* to);
// add: adds into `to` instead of overwriting it.
void scatter_steps(const float* from, const RowView& v, const TimeSegment& seg, bool add, float* to);

// A run's state block [count, batch, H] against the caller's [D, B, H]
// (directions first..first+count, rows order[r]); rows [r0, r1) of each direction.
struct StateView {
  int64_t B, H, first, count;
  const int64_t* order;
};

// caller == nullptr reads zeros.
void load_state_rows(const float* caller, const StateView& v, int64_t batch, int64_t r0, int64_t r1, float* block);
void store_state_rows(const float* block, const StateView& v, int64_t batch, int64_t r0, int64_t r1, float* caller);
// Rows [0, rows) of each direction from one run's state block to the next's.
void carry_state_rows(const float* from, int64_t from_batch, float* to, int64_t to_batch, int64_t rows,
                      int64_t count, int64_t H);

}  // namespace recur::onednn
