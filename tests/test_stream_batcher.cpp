// StreamBatcher: char-rnn's parallel streams, time-major, resumable.
#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "recur/stream_batcher.h"

namespace recur {
namespace {

std::vector<int64_t> iota_tokens(int64_t n) {
  std::vector<int64_t> tokens(static_cast<size_t>(n));
  std::iota(tokens.begin(), tokens.end(), 0);
  return tokens;
}

TEST(StreamBatcher, FirstBatchOfAKnownString) {
  // "abcdefghijk" as 0..10; 2 streams of L = 5: "abcde" -> "bcdef", "fghij" -> "ghijk".
  StreamBatcher batcher(iota_tokens(11), /*streams=*/2, /*steps=*/3);
  EXPECT_EQ(batcher.stream_length(), 5);
  EXPECT_EQ(batcher.batches_per_epoch(), 2);
  EXPECT_EQ(batcher.tokens_per_epoch(), 10);
  StreamBatch batch;
  ASSERT_TRUE(batcher.next(batch));
  EXPECT_EQ(batch.steps, 3);
  EXPECT_EQ(batch.streams, 2);
  // [steps, streams], time-major: row t holds position t of every stream.
  EXPECT_EQ(batch.inputs, (std::vector<int64_t>{0, 5, 1, 6, 2, 7}));
  EXPECT_EQ(batch.targets, (std::vector<int64_t>{1, 6, 2, 7, 3, 8}));
}

TEST(StreamBatcher, StreamsContinueAcrossCallsUntilExhausted) {
  StreamBatcher batcher(iota_tokens(11), 2, 3);
  StreamBatch first, second, unused;
  ASSERT_TRUE(batcher.next(first));
  ASSERT_TRUE(batcher.next(second));
  // The shorter last chunk picks up exactly where the first stopped.
  EXPECT_EQ(second.steps, 2);
  EXPECT_EQ(second.inputs, (std::vector<int64_t>{3, 8, 4, 9}));
  EXPECT_EQ(second.targets, (std::vector<int64_t>{4, 9, 5, 10}));
  EXPECT_TRUE(batcher.exhausted());
  EXPECT_FALSE(batcher.next(unused));
  EXPECT_EQ(unused.steps, 0);  // untouched
  batcher.restart();
  ASSERT_TRUE(batcher.next(unused));
  EXPECT_EQ(unused.inputs, first.inputs);
}

TEST(StreamBatcher, EveryColumnIsOneContiguousStream) {
  const int64_t streams = 4, steps = 7;
  StreamBatcher batcher(iota_tokens(1000), streams, steps);
  const int64_t length = batcher.stream_length();  // 999 / 4 = 249
  EXPECT_EQ(length, 249);
  std::vector<std::vector<int64_t>> seen(streams);
  StreamBatch batch;
  int64_t batches = 0;
  while (batcher.next(batch)) {
    ++batches;
    for (int64_t t = 0; t < batch.steps; ++t)
      for (int64_t b = 0; b < streams; ++b) {
        seen[b].push_back(batch.inputs[t * streams + b]);
        EXPECT_EQ(batch.targets[t * streams + b], batch.inputs[t * streams + b] + 1);
      }
  }
  EXPECT_EQ(batches, batcher.batches_per_epoch());
  for (int64_t b = 0; b < streams; ++b) {
    std::vector<int64_t> expected(length);
    std::iota(expected.begin(), expected.end(), b * length);
    EXPECT_EQ(seen[b], expected) << "stream " << b;
  }
}

TEST(StreamBatcher, PositionSaveAndRestoreResumesExactly) {
  StreamBatcher original(iota_tokens(500), 3, 10);
  StreamBatch batch;
  for (int i = 0; i < 4; ++i) original.next(batch);
  const int64_t saved = original.position();
  EXPECT_EQ(saved, 40);

  StreamBatcher resumed(iota_tokens(500), 3, 10);
  resumed.set_position(saved);
  StreamBatch a, b;
  while (original.next(a)) {
    ASSERT_TRUE(resumed.next(b));
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.targets, b.targets);
  }
  EXPECT_FALSE(resumed.next(b));
  EXPECT_THROW(resumed.set_position(-1), std::out_of_range);
  EXPECT_THROW(resumed.set_position(resumed.stream_length() + 1), std::out_of_range);
  resumed.set_position(resumed.stream_length());
  EXPECT_TRUE(resumed.exhausted());
}

TEST(StreamBatcher, RejectsImpossibleShapes) {
  EXPECT_THROW(StreamBatcher(iota_tokens(10), 0, 5), std::invalid_argument);
  EXPECT_THROW(StreamBatcher(iota_tokens(10), 2, 0), std::invalid_argument);
  EXPECT_THROW(StreamBatcher(iota_tokens(10), 10, 5), std::invalid_argument);  // needs 11 tokens
  EXPECT_NO_THROW(StreamBatcher(iota_tokens(11), 10, 5));
}

}  // namespace
}  // namespace recur
