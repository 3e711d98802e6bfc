// Row and state gathering for oneDNN runs: see onednn_rows.h.
#include "nn/onednn_rows.h"

#include <algorithm>
#include <cstring>

namespace recur::onednn {

namespace {

// Copies this large (floats) are split between the threads: with lengths,
// every layer gathers and scatters its whole input and output.
constexpr int64_t kParallelCopy = 1 << 16;

}  // namespace

void gather_steps(const float* from, const RowView& v, const TimeSegment& seg, float* to) {
  const int64_t block = seg.steps() * seg.batch * v.width;
  if (from == nullptr) {
    std::fill_n(to, block, 0.0f);
  } else if (v.contiguous(seg)) {
    std::memcpy(to, from + seg.t0 * v.B * v.W, sizeof(float) * block);
  } else {
#pragma omp parallel for schedule(static) if (block >= kParallelCopy)
    for (int64_t t = 0; t < seg.steps(); ++t)
      for (int64_t r = 0; r < seg.batch; ++r)
        std::memcpy(to + (t * seg.batch + r) * v.width, from + ((seg.t0 + t) * v.B + v.order[r]) * v.W + v.offset,
                    sizeof(float) * v.width);
  }
}

void scatter_steps(const float* from, const RowView& v, const TimeSegment& seg, bool add, float* to) {
#pragma omp parallel for schedule(static) if (seg.steps() * seg.batch * v.width >= kParallelCopy)
  for (int64_t t = 0; t < seg.steps(); ++t)
    for (int64_t r = 0; r < seg.batch; ++r) {
      const float* src = from + (t * seg.batch + r) * v.width;
      float* dst = to + ((seg.t0 + t) * v.B + v.order[r]) * v.W + v.offset;
      if (add)
        for (int64_t j = 0; j < v.width; ++j) dst[j] += src[j];
      else
        std::memcpy(dst, src, sizeof(float) * v.width);
    }
}

void load_state_rows(const float* caller, const StateView& v, int64_t batch, int64_t r0, int64_t r1, float* block) {
  for (int64_t d = 0; d < v.count; ++d)
    for (int64_t r = r0; r < r1; ++r) {
      float* dst = block + (d * batch + r) * v.H;
      if (caller == nullptr) std::fill_n(dst, v.H, 0.0f);
      else std::memcpy(dst, caller + ((v.first + d) * v.B + v.order[r]) * v.H, sizeof(float) * v.H);
    }
}

void store_state_rows(const float* block, const StateView& v, int64_t batch, int64_t r0, int64_t r1, float* caller) {
  for (int64_t d = 0; d < v.count; ++d)
    for (int64_t r = r0; r < r1; ++r)
      std::memcpy(caller + ((v.first + d) * v.B + v.order[r]) * v.H, block + (d * batch + r) * v.H,
                  sizeof(float) * v.H);
}

void carry_state_rows(const float* from, int64_t from_batch, float* to, int64_t to_batch, int64_t rows,
                      int64_t count, int64_t H) {
  for (int64_t d = 0; d < count; ++d)
    std::memcpy(to + d * to_batch * H, from + d * from_batch * H, sizeof(float) * rows * H);
}

}  // namespace recur::onednn
