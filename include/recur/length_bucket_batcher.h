// LengthBucketBatcher: batches of variable-length examples (sentences, frame
// sequences) for training, grouped by length so that padding stays small,
// in an order that changes every epoch and is the same for the same seed.
//
// An epoch: shuffle all examples; cut the shuffled list into pools of
// `pool_batches` * B examples; sort each pool by length, longest first
// (stable); cut each pool into batches of B; shuffle the batches. Every
// example is in exactly one batch; only the epoch's last pool can end in a
// batch smaller than B. Within a batch rows are longest first, which is what
// the recurrent engine's packed path runs fastest (LengthSegments: rows
// already in order are used in place, with no copy). pool_batches = 0 sorts the
// whole data set as one pool (least padding, least variety between epochs).
//
// The batcher owns its Rng (seeded by the caller), used for nothing else, so
// its position is three numbers: the epoch, the Rng state the epoch's order
// was drawn from, and the batches taken. position()/restore() resume exactly.
//
// evaluation_batches(): one deterministic pass, no shuffling, either in the
// original order (consecutive examples) or sorted by length (less padding;
// map results back through the example indices).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/rng.h"

namespace recur {

class LengthBucketBatcher {
 public:
  // lengths[i] = length of example i (>= 1). Throws std::invalid_argument on no
  // examples, a length < 1, batch_size < 1 or pool_batches < 0. Draws epoch 0's order.
  LengthBucketBatcher(std::vector<int64_t> lengths, int64_t batch_size, Rng rng, int64_t pool_batches = 50);

  int64_t examples() const { return static_cast<int64_t>(lengths_.size()); }
  int64_t batch_size() const { return batch_size_; }
  int64_t batches_per_epoch() const { return static_cast<int64_t>(batches_.size()); }
  int64_t epoch() const { return epoch_; }            // from 0
  int64_t batches_taken() const { return next_batch_; }  // in this epoch
  bool exhausted() const { return next_batch_ >= batches_per_epoch(); }

  // The example indices of the next batch, longest first; false, leaving
  // `examples` untouched, when the epoch is used up.
  bool next(std::vector<int64_t>& examples);
  // Draws the next epoch's order and starts it.
  void new_epoch();

  // {"epoch": 3, "rng": [4 numbers], "batch": 17}
  nlohmann::json position() const;
  // Throws std::invalid_argument on a malformed position or a batch outside the epoch.
  void restore(const nlohmann::json& position);

 private:
  void plan_epoch();

  std::vector<int64_t> lengths_;
  int64_t batch_size_ = 1;
  int64_t pool_batches_ = 0;
  Rng rng_;
  Rng::State epoch_state_{};  // rng_ before this epoch's order was drawn
  int64_t epoch_ = 0;
  int64_t next_batch_ = 0;
  std::vector<std::vector<int64_t>> batches_;
};

// Batches of at most batch_size for evaluation: consecutive examples in file
// order, or (sort_by_length) all examples longest first (stable) cut in order.
std::vector<std::vector<int64_t>> evaluation_batches(std::span<const int64_t> lengths, int64_t batch_size,
                                                     bool sort_by_length);

}  // namespace recur
