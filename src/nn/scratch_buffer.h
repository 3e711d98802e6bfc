// ScratchBuffer: a grow-only float buffer, 64-byte aligned (what oneDNN's
// kernels prefer), kept across calls so that a steady run of same-shape steps
// allocates nothing and touches no fresh pages. Contents are not preserved
// when it grows.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace recur {

class ScratchBuffer {
 public:
  float* reserve(size_t floats) {
    if (floats > capacity_) {
      const size_t bytes = (std::max<size_t>(floats, 16) * sizeof(float) + 63) / 64 * 64;
      data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!data_) throw std::bad_alloc();
      capacity_ = bytes / sizeof(float);
    }
    return data_.get();
  }
  float* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  size_t capacity_ = 0;
};

}  // namespace recur
