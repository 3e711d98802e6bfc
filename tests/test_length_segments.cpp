// split_by_length: the time segments a variable-length batch runs as on oneDNN.
#include <gtest/gtest.h>

#include <vector>

#include "nn/length_segments.h"

namespace recur {
namespace {

TEST(LengthSegments, FullLengthIsOneSegmentInBatchOrder) {
  const LengthSegments s = split_by_length({}, 4, 9);
  EXPECT_EQ(s.order, (std::vector<int64_t>{0, 1, 2, 3}));
  ASSERT_EQ(s.segments.size(), 1u);
  EXPECT_EQ(s.segments[0].t0, 0);
  EXPECT_EQ(s.segments[0].t1, 9);
  EXPECT_EQ(s.segments[0].batch, 4);
  EXPECT_TRUE(s.identity_order());
}

TEST(LengthSegments, OneSegmentPerDistinctLengthLongestFirst) {
  const std::vector<int64_t> lengths{3, 7, 1, 7, 3};
  const LengthSegments s = split_by_length(lengths, 5, 7);
  // Longest first; equal lengths keep their order.
  EXPECT_EQ(s.order, (std::vector<int64_t>{1, 3, 0, 4, 2}));
  EXPECT_FALSE(s.identity_order());
  ASSERT_EQ(s.segments.size(), 3u);
  // Steps [0, 1): all five; [1, 3): the four of length >= 3; [3, 7): the two of length 7.
  EXPECT_EQ(s.segments[0].t0, 0);
  EXPECT_EQ(s.segments[0].t1, 1);
  EXPECT_EQ(s.segments[0].batch, 5);
  EXPECT_EQ(s.segments[1].t0, 1);
  EXPECT_EQ(s.segments[1].t1, 3);
  EXPECT_EQ(s.segments[1].batch, 4);
  EXPECT_EQ(s.segments[2].t0, 3);
  EXPECT_EQ(s.segments[2].t1, 7);
  EXPECT_EQ(s.segments[2].batch, 2);
}

TEST(LengthSegments, EverySequenceIsActiveExactlyInItsSteps) {
  const std::vector<int64_t> lengths{2, 5, 5, 4, 1, 3, 5, 2};
  const int64_t T = 5, B = 8;
  const LengthSegments s = split_by_length(lengths, B, T);
  std::vector<int64_t> covered(B, 0);
  int64_t t = 0;
  for (const TimeSegment& seg : s.segments) {
    EXPECT_EQ(seg.t0, t);  // contiguous in time
    t = seg.t1;
    for (int64_t r = 0; r < B; ++r) {
      const int64_t len = lengths[s.order[r]];
      // The first `batch` rows are exactly those still running at every step of the segment.
      EXPECT_EQ(r < seg.batch, len >= seg.t1) << "row " << r;
      if (r < seg.batch) covered[s.order[r]] += seg.steps();
    }
  }
  EXPECT_EQ(t, T);
  EXPECT_EQ(covered, lengths);
}

}  // namespace
}  // namespace recur
