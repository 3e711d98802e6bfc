// LengthSegments: a batch of variable-length sequences cut into time segments
// in each of which the same sequences are active, so that a primitive made for
// full-length batches (oneDNN's RNN) can run each segment as one call.
//
// With the rows sorted longest first, the sequences active at step t are a
// prefix of that order, and the prefix only shrinks as t grows. Segment k
// covers steps [t0, t1) of the `batch` longest sequences; segments are in time
// order and their batches decrease. Sequences of full length give one segment.
//
// Running a direction segment by segment (left to right: in time order; right
// to left: in reverse), consecutive segments share the rows [0, min(b, b'))
// whose state carries over; the rows a segment has beyond its predecessor's
// start there from h0 (right to left: a sequence's last step comes first), and
// the rows beyond its successor's end there (left to right: hn).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recur {

struct TimeSegment {
  int64_t t0 = 0, t1 = 0;  // steps [t0, t1)
  int64_t batch = 0;       // of the `batch` longest sequences
  int64_t steps() const { return t1 - t0; }
};

struct LengthSegments {
  std::vector<int64_t> order;         // batch rows, longest first (ties keep their order)
  std::vector<TimeSegment> segments;  // time order, batches decreasing
  // Whether order[r] == r: then a segment of the whole batch is a plain slice
  // of the caller's data. Set by split_by_length.
  bool identity_order() const { return identity_; }

  bool identity_ = true;
};

// lengths empty = every sequence has `steps` steps. Lengths must lie in [1, steps].
LengthSegments split_by_length(std::span<const int64_t> lengths, int64_t batch, int64_t steps);

}  // namespace recur
