// Communicator::shard and the column helpers of data-parallel training
// (communicator.h, sharding.h), checked against hand-made cases; a fake
// group of several ranks stands for MPI, so these run in every build.
#include <gtest/gtest.h>

#include <numeric>

#include "recur/communicator.h"
#include "recur/sharding.h"

namespace recur {
namespace {

// Rank `rank` of `size`; all_gather returns what the test planted as the other ranks' parts.
class FakeGroup final : public Communicator {
 public:
  FakeGroup(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranks_on_this_node() const override { return size_; }
  void all_reduce_sum(std::span<float>) const override {}
  void all_reduce_sum(std::span<double>) const override {}
  std::vector<float> all_gather(std::span<const float>) const override { return gathered; }
  std::vector<float> gathered;

 private:
  int rank_, size_;
};

TEST(Sharding, ShardsAreContiguousBlocksThatCoverTheBatchOnce) {
  for (int size : {1, 2, 3, 4, 7})
    for (int64_t count : {0, 1, 2, 5, 6, 64, 65}) {
      int64_t next = 0;
      for (int r = 0; r < size; ++r) {
        const Shard s = FakeGroup(r, size).shard(count);
        EXPECT_EQ(s.begin, next) << count << " over " << size;
        EXPECT_GE(s.size(), count / size);
        EXPECT_LE(s.size(), count / size + 1);
        next = s.end;
      }
      EXPECT_EQ(next, count);
    }
  EXPECT_TRUE(FakeGroup(0, 2).shard(1).empty());  // 1 example, 2 ranks: rank 0 gets nothing, rank 1 the example
  EXPECT_EQ(FakeGroup(1, 2).shard(1).size(), 1);
  EXPECT_EQ(single_process().shard(9).size(), 9);
  EXPECT_FALSE(single_process().distributed());
}

TEST(Sharding, TakesAndGathersTheMiddleAxis) {
  // [outer 2, n 5, inner 3], element value = its flat index.
  Tensor<float> all({2, 5, 3});
  std::iota(all.values().begin(), all.values().end(), 0.0f);
  // 5 over 2 ranks: rank 0 columns 0-1, rank 1 columns 2-4.
  const Tensor<float> part0 = take_columns(all, FakeGroup(0, 2).shard(5));
  const Tensor<float> part1 = take_columns(all, FakeGroup(1, 2).shard(5));
  EXPECT_EQ(part0.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(part1.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(part1[0], 6.0f);       // (0, 2, 0)
  EXPECT_EQ(part1[9], 15.0f + 6);  // (1, 2, 0)
  EXPECT_EQ(part0[6], 15.0f);      // (1, 0, 0)

  FakeGroup group(0, 2);
  group.gathered = part0.values();
  group.gathered.insert(group.gathered.end(), part1.values().begin(), part1.values().end());
  EXPECT_EQ(gather_columns(group, part0, 5).values(), all.values());
  EXPECT_TRUE(take_columns(Tensor<float>(), Shard{0, 1}).empty());

  group.gathered.pop_back();  // a part short: refused, never a silent wrong state
  EXPECT_THROW(gather_columns(group, part0, 5), std::logic_error);
}

}  // namespace
}  // namespace recur
