#include "recur/sharding.h"

#include <stdexcept>

namespace recur {

Tensor<float> take_columns(const Tensor<float>& all, const Shard& shard) {
  if (all.empty()) return {};
  if (all.rank() != 3 || shard.begin < 0 || shard.end > all.dim(1))
    throw std::invalid_argument("cannot take columns of a tensor of shape " + shape_string(all.shape()));
  Tensor<float> part({all.dim(0), shard.size(), all.dim(2)});
  part.values() = take_columns(all.values(), all.dim(0), all.dim(1), all.dim(2), shard);
  return part;
}

Tensor<float> gather_columns(const Communicator& group, const Tensor<float>& part, int64_t n) {
  if (!group.distributed() || part.empty()) return part;
  const int64_t outer = part.dim(0), inner = part.dim(2);
  const std::vector<float> parts = group.all_gather(part.values());
  Tensor<float> all({outer, n, inner});
  if (static_cast<int64_t>(parts.size()) != all.numel())
    throw std::logic_error("gather_columns: the parts do not make up the whole");
  auto from = parts.begin();
  for (int r = 0; r < group.size(); ++r) {
    const Shard s = group.shard_of(n, r);
    for (int64_t o = 0; o < outer; ++o, from += s.size() * inner)
      std::copy(from, from + s.size() * inner, all.data() + (o * n + s.begin) * inner);
  }
  return all;
}

}  // namespace recur
