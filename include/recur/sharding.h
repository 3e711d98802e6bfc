// Sharding of arrays whose middle axis runs over a batch's examples or
// streams — [steps, streams] token batches, [layers, streams, hidden] carried
// states: this process's columns, and all processes' columns put back
// together (communicator.h).
#pragma once

#include <cstdint>
#include <vector>

#include "recur/communicator.h"
#include "recur/tensor.h"

namespace recur {

// Columns [shard.begin, shard.end) of the middle axis of `all`, laid out [outer, n, inner].
template <typename T>
std::vector<T> take_columns(const std::vector<T>& all, int64_t outer, int64_t n, int64_t inner, Shard shard) {
  std::vector<T> part(static_cast<size_t>(outer * shard.size() * inner));
  for (int64_t o = 0; o < outer; ++o)
    std::copy(all.begin() + (o * n + shard.begin) * inner, all.begin() + (o * n + shard.end) * inner,
              part.begin() + o * shard.size() * inner);
  return part;
}

// This process's columns of a [outer, n, inner] tensor (empty stays empty).
Tensor<float> take_columns(const Tensor<float>& all, const Shard& shard);

// The [outer, n, inner] tensor whose columns group.shard(n) each process
// holds as `part` [outer, shard size, inner]. Collective. Empty stays empty
// (on every process alike).
Tensor<float> gather_columns(const Communicator& group, const Tensor<float>& part, int64_t n);

}  // namespace recur
