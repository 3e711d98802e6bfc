// StreamBatcher: char-rnn's batching for truncated BPTT.
//
// The token sequence is cut into `streams` contiguous blocks of equal length
// L = (N - 1) / streams (the remainder, fewer than `streams` tokens, is
// dropped). Stream b holds inputs tokens[b*L, (b+1)*L) and targets shifted by
// one, tokens[b*L + 1, (b+1)*L + 1): every target is the true next token.
// Each call of next() yields the following `steps` positions of every stream,
// time-major, so column b of one batch continues column b of the previous one
// and the model can carry its hidden state from chunk to chunk. The last chunk
// of an epoch is shorter when `steps` does not divide L.
//
//   tokens  a b c d e f g h i j k   (N = 11, streams = 2, steps = 3: L = 5)
//   stream 0 inputs a b c d e  targets b c d e f
//   stream 1 inputs f g h i j  targets g h i j k
//   batch 0 inputs [[a f], [b g], [c h]]   batch 1 inputs [[d i], [e j]]
//
// The position (steps consumed in this epoch) is one integer: saving it and
// restoring it with set_position() resumes exactly.
#pragma once

#include <cstdint>
#include <vector>

namespace recur {

// inputs and targets [steps, streams], time-major: element (t, b) at t * streams + b.
struct StreamBatch {
  int64_t steps = 0;
  int64_t streams = 0;
  std::vector<int64_t> inputs;
  std::vector<int64_t> targets;
};

class StreamBatcher {
 public:
  // Throws std::invalid_argument when streams or steps < 1, or the sequence has
  // fewer than streams + 1 tokens (no stream would have a target).
  StreamBatcher(std::vector<int64_t> tokens, int64_t streams, int64_t steps);

  int64_t streams() const { return streams_; }
  int64_t steps() const { return steps_; }
  // L: positions per stream in one epoch.
  int64_t stream_length() const { return stream_length_; }
  // Batches per epoch: ceil(L / steps).
  int64_t batches_per_epoch() const { return (stream_length_ + steps_ - 1) / steps_; }
  // Tokens each epoch trains on (inputs): streams * L.
  int64_t tokens_per_epoch() const { return streams_ * stream_length_; }

  // Positions of every stream consumed in this epoch, in [0, L].
  int64_t position() const { return position_; }
  // Throws std::out_of_range unless 0 <= position <= L.
  void set_position(int64_t position);
  bool exhausted() const { return position_ >= stream_length_; }

  // Fills `batch` with the next chunk (reusing its storage) and advances;
  // returns false, leaving `batch` untouched, when the epoch is exhausted.
  bool next(StreamBatch& batch);
  // Back to position 0: a new epoch (the caller resets the hidden state).
  void restart() { position_ = 0; }

 private:
  std::vector<int64_t> tokens_;
  int64_t streams_ = 0;
  int64_t steps_ = 0;
  int64_t stream_length_ = 0;
  int64_t position_ = 0;
};

}  // namespace recur
