#include "nn/length_segments.h"

#include <algorithm>
#include <numeric>

namespace recur {

LengthSegments split_by_length(std::span<const int64_t> lengths, int64_t batch, int64_t steps) {
  LengthSegments s;
  s.order.resize(batch);
  std::iota(s.order.begin(), s.order.end(), int64_t{0});
  if (lengths.empty()) {
    s.segments.push_back({0, steps, batch});
    return s;
  }
  std::stable_sort(s.order.begin(), s.order.end(), [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  for (int64_t r = 0; r < batch; ++r) s.identity_ &= s.order[r] == r;
  // Walk from the shortest sequence up: each distinct length ends a segment
  // holding every sequence at least that long.
  int64_t t0 = 0;
  for (int64_t r = batch - 1; r >= 0; --r) {
    const int64_t len = lengths[s.order[r]];
    if (len > t0) {
      s.segments.push_back({t0, len, r + 1});
      t0 = len;
    }
  }
  return s;
}

}  // namespace recur
