// GradientAverager (src/train/gradient_averaging.h) on a fake group of two
// ranks whose other rank holds given gradients: the result must be the
// count-weighted mean computed by hand, whatever the bucket size (one bucket,
// several, one per parameter).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "recur/communicator.h"
#include "train/gradient_averaging.h"

namespace recur {
namespace {

// Rank 0 of 2. The other rank's contribution to each all-reduce is what it
// would send: its loss and count, then its gradients scaled by its weight,
// packed in the same bucket order (read back from `other_packed`).
class TwoRanks final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 2; }
  int ranks_on_this_node() const override { return 2; }
  void all_reduce_sum(std::span<float> values) const override {
    for (float& v : values) v += other_packed.at(offset_++);
    ++float_calls;
  }
  void all_reduce_sum(std::span<double> values) const override {
    values[0] += other_loss.sum;
    values[1] += static_cast<double>(other_loss.count);
  }
  std::vector<float> all_gather(std::span<const float> part) const override { return {part.begin(), part.end()}; }

  TaskLoss other_loss;
  std::vector<float> other_packed;  // the other rank's weighted gradients, in bucket order
  mutable size_t offset_ = 0;
  mutable int float_calls = 0;
};

TEST(GradientAveraging, WeightsEachRanksMeanByItsTargetsInEveryBucketLayout) {
  for (size_t bucket_bytes : {size_t{1} << 20, size_t{24}, size_t{1}}) {
    Parameter<float> a("a", {2, 3}), b("b", {4}), c("c", {1});
    ParameterList<float> parameters{&a, &b, &c};
    std::map<std::string, std::vector<float>> mine, theirs;
    int k = 0;
    for (Parameter<float>* p : parameters)
      for (int64_t i = 0; i < p->grad.numel(); ++i, ++k) {
        p->grad[i] = 0.1f * static_cast<float>(k) - 0.3f;
        mine[p->name].push_back(p->grad[i]);
        theirs[p->name].push_back(1.0f + 0.25f * static_cast<float>(k));
      }
    // This rank: 3 targets, loss sum 6; the other: 1 target, loss sum 5 (an uneven split).
    TwoRanks group;
    group.other_loss = {5.0, 1};
    // Buckets are filled in reverse parameter order: c, b, a.
    for (const char* name : {"c", "b", "a"})
      for (float g : theirs[name]) group.other_packed.push_back(g * 0.25f);

    GradientAverager averager(group, parameters, bucket_bytes);
    const TaskLoss global = averager.average({6.0, 3});
    EXPECT_DOUBLE_EQ(global.sum, 11.0);
    EXPECT_EQ(global.count, 4);
    EXPECT_EQ(group.float_calls, static_cast<int>(averager.buckets()));
    EXPECT_EQ(group.offset_, group.other_packed.size());
    for (Parameter<float>* p : parameters)
      for (int64_t i = 0; i < p->grad.numel(); ++i)
        EXPECT_NEAR(p->grad[i], 0.75f * mine[p->name][i] + 0.25f * theirs[p->name][i], 1e-6)
            << p->name << "[" << i << "] with buckets of " << bucket_bytes << " bytes";
  }
}

TEST(GradientAveraging, BucketsAreFewAndLarge) {
  Parameter<float> a("a", {1000}), b("b", {1000}), c("c", {3000});
  GradientAverager averager(single_process(), {&a, &b, &c}, 8000);  // 2,000 floats a bucket
  // c alone is larger than a bucket and goes alone; b and a share one.
  EXPECT_EQ(averager.buckets(), 2u);
  EXPECT_EQ(GradientAverager(single_process(), {&a, &b, &c}).buckets(), 1u);
  // One process: nothing changes, nothing is sent.
  a.grad.fill(2.0f);
  EXPECT_EQ(averager.average({4.0, 2}).sum, 4.0);
  EXPECT_EQ(a.grad[0], 2.0f);
}

}  // namespace
}  // namespace recur
