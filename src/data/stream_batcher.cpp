#include "recur/stream_batcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace recur {

StreamBatcher::StreamBatcher(std::vector<int64_t> tokens, int64_t streams, int64_t steps)
    : tokens_(std::move(tokens)), streams_(streams), steps_(steps) {
  if (streams < 1) throw std::invalid_argument(fmt::format("batch size (streams) must be at least 1, got {}", streams));
  if (steps < 1) throw std::invalid_argument(fmt::format("sequence length must be at least 1, got {}", steps));
  const auto n = static_cast<int64_t>(tokens_.size());
  if (n < streams + 1)
    throw std::invalid_argument(fmt::format(
        "{} tokens are too few for {} parallel streams (need at least {}); use a smaller batch or more text", n, streams,
        streams + 1));
  // N - 1 inputs have a next token to predict.
  stream_length_ = (n - 1) / streams;
}

void StreamBatcher::set_position(int64_t position) {
  if (position < 0 || position > stream_length_)
    throw std::out_of_range(fmt::format("batcher position {} outside [0, {}]", position, stream_length_));
  position_ = position;
}

bool StreamBatcher::next(StreamBatch& batch) {
  if (exhausted()) return false;
  const int64_t steps = std::min(steps_, stream_length_ - position_);
  batch.steps = steps;
  batch.streams = streams_;
  batch.inputs.resize(static_cast<size_t>(steps * streams_));
  batch.targets.resize(static_cast<size_t>(steps * streams_));
  for (int64_t t = 0; t < steps; ++t) {
    for (int64_t b = 0; b < streams_; ++b) {
      const int64_t source = b * stream_length_ + position_ + t;
      batch.inputs[static_cast<size_t>(t * streams_ + b)] = tokens_[static_cast<size_t>(source)];
      batch.targets[static_cast<size_t>(t * streams_ + b)] = tokens_[static_cast<size_t>(source + 1)];
    }
  }
  position_ += steps;
  return true;
}

}  // namespace recur
