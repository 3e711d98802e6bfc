// PaddedBatch: a batch of variable-length examples laid out for the
// recurrent engine — time-major, padded to the longest, rows longest first,
// with the lengths the engine's packed path takes (recurrent.h). Padding never
// changes a result: the engine zeroes outputs past each length, and padded
// targets are kIgnoredTarget, which the loss skips.
//
//   layout   steps T = longest length, batch B; row r is example examples[r],
//            of length lengths[r] (non-increasing in r)
//   ids      [T, B] int64, element (t, r) at t * B + r; `pad` past lengths[r]
//   frames   [T, B, F] float; zeros past lengths[r]
//   targets  [B] per example, or [T, B] per step (kIgnoredTarget past lengths[r])
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "recur/frame_jsonl.h"
#include "recur/tensor.h"

namespace recur {

struct BatchLayout {
  int64_t steps = 0;              // T
  int64_t batch = 0;              // B
  std::vector<int64_t> examples;  // [B] example index of each row
  std::vector<int64_t> lengths;   // [B] non-increasing, each in [1, T]
};

// Rows sorted longest first (stable, so a batch from LengthBucketBatcher keeps its order).
// example_lengths is indexed by example. Throws std::invalid_argument on no examples.
BatchLayout layout_batch(std::span<const int64_t> examples, std::span<const int64_t> example_lengths);

// [T, B] ids from per-example sequences (sequences[example] has lengths[r] entries).
std::vector<int64_t> pad_ids(const BatchLayout& layout, std::span<const std::vector<int64_t>> sequences, int64_t pad);
// [B]: per_example[examples[r]].
std::vector<int64_t> gather_targets(const BatchLayout& layout, std::span<const int64_t> per_example);
// [T, B, F] frames, zero-padded.
void pad_frames(const BatchLayout& layout, const FrameSequences& data, Tensor<float>& out);

}  // namespace recur
