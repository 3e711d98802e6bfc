// The length-bucketed batcher and the padded batches it feeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "recur/frame_jsonl.h"
#include "recur/label_set.h"
#include "recur/length_bucket_batcher.h"
#include "recur/padded_batch.h"
#include "recur/recurrent.h"

namespace recur {
namespace {

std::vector<int64_t> random_lengths(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<int64_t> lengths(static_cast<size_t>(n));
  for (int64_t& l : lengths) l = 1 + static_cast<int64_t>(rng.below(40));
  return lengths;
}

std::vector<std::vector<int64_t>> whole_epoch(LengthBucketBatcher& batcher) {
  std::vector<std::vector<int64_t>> batches;
  std::vector<int64_t> batch;
  while (batcher.next(batch)) batches.push_back(batch);
  return batches;
}

// Sum over batches of (longest - each): the padding a batch carries.
int64_t padding(const std::vector<std::vector<int64_t>>& batches, const std::vector<int64_t>& lengths) {
  int64_t total = 0;
  for (const auto& b : batches) {
    int64_t longest = 0;
    for (int64_t e : b) longest = std::max(longest, lengths[e]);
    for (int64_t e : b) total += longest - lengths[e];
  }
  return total;
}

TEST(LengthBucketBatcher, EveryExampleOncePerEpochLongestFirst) {
  const std::vector<int64_t> lengths = random_lengths(1003, 1);
  LengthBucketBatcher batcher(lengths, 16, Rng(7), /*pool_batches=*/4);
  EXPECT_EQ(batcher.batches_per_epoch(), 63);  // ceil(1003 / 16)
  for (int epoch = 0; epoch < 3; ++epoch) {
    const auto batches = whole_epoch(batcher);
    ASSERT_EQ(static_cast<int64_t>(batches.size()), batcher.batches_per_epoch());
    std::vector<int> seen(lengths.size(), 0);
    int partial = 0;
    for (const auto& b : batches) {
      ASSERT_GE(b.size(), 1u);
      ASSERT_LE(b.size(), 16u);
      partial += b.size() < 16;
      for (size_t r = 0; r < b.size(); ++r) {
        ++seen[static_cast<size_t>(b[r])];
        if (r > 0) {
          EXPECT_GE(lengths[b[r - 1]], lengths[b[r]]);
        }
      }
    }
    EXPECT_EQ(partial, 1);  // 1003 = 62 * 16 + 11
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; })) << "epoch " << epoch;
    std::vector<int64_t> none;
    EXPECT_FALSE(batcher.next(none)) << "exhausted";
    batcher.new_epoch();
  }
  EXPECT_EQ(batcher.epoch(), 3);
}

TEST(LengthBucketBatcher, BucketingCutsPaddingAndOrdersDifferEachEpoch) {
  const std::vector<int64_t> lengths = random_lengths(800, 2);
  LengthBucketBatcher bucketed(lengths, 32, Rng(3), 10);
  LengthBucketBatcher unsorted(lengths, 32, Rng(3), 1);  // pools of one batch: shuffled, not grouped by length
  const auto first = whole_epoch(bucketed);
  EXPECT_LT(padding(first, lengths), padding(whole_epoch(unsorted), lengths) / 3);
  bucketed.new_epoch();
  EXPECT_NE(whole_epoch(bucketed), first);
  // Same seed, same order.
  LengthBucketBatcher again(lengths, 32, Rng(3), 10);
  EXPECT_EQ(whole_epoch(again), first);
}

TEST(LengthBucketBatcher, RestoredPositionContinuesExactly) {
  const std::vector<int64_t> lengths = random_lengths(300, 4);
  LengthBucketBatcher original(lengths, 8, Rng(11));
  original.new_epoch();  // into epoch 1
  std::vector<int64_t> batch;
  for (int i = 0; i < 5; ++i) original.next(batch);
  const nlohmann::json saved = nlohmann::json::parse(original.position().dump());  // through text, as a checkpoint does

  LengthBucketBatcher resumed(lengths, 8, Rng(999));  // another seed: everything comes from the position
  resumed.restore(saved);
  EXPECT_EQ(resumed.epoch(), 1);
  EXPECT_EQ(resumed.batches_taken(), 5);
  EXPECT_EQ(whole_epoch(resumed), whole_epoch(original));
  original.new_epoch();
  resumed.new_epoch();
  EXPECT_EQ(whole_epoch(resumed), whole_epoch(original));

  nlohmann::json bad = saved;
  bad["batch"] = 1000;
  EXPECT_THROW(resumed.restore(bad), std::invalid_argument);
  EXPECT_THROW(resumed.restore(nlohmann::json{{"epoch", 1}}), std::invalid_argument);
}

TEST(LengthBucketBatcher, RejectsBadArguments) {
  EXPECT_THROW(LengthBucketBatcher({}, 4, Rng(1)), std::invalid_argument);
  EXPECT_THROW(LengthBucketBatcher({3, 0}, 4, Rng(1)), std::invalid_argument);
  EXPECT_THROW(LengthBucketBatcher({3}, 0, Rng(1)), std::invalid_argument);
}

TEST(EvaluationBatches, OriginalOrderOrSortedByLength) {
  const std::vector<int64_t> lengths{3, 1, 4, 1, 5};
  EXPECT_EQ(evaluation_batches(lengths, 2, false), (std::vector<std::vector<int64_t>>{{0, 1}, {2, 3}, {4}}));
  EXPECT_EQ(evaluation_batches(lengths, 2, true), (std::vector<std::vector<int64_t>>{{4, 2}, {0, 1}, {3}}));
  const std::vector<int64_t> many = random_lengths(500, 5);
  EXPECT_LE(padding(evaluation_batches(many, 16, true), many), padding(evaluation_batches(many, 16, false), many));
}

TEST(PaddedBatch, TimeMajorIdsTargetsAndLengths) {
  // Examples: 0 = [10, 11], 1 = [20], 2 = [30, 31, 32]
  const std::vector<std::vector<int64_t>> ids{{10, 11}, {20}, {30, 31, 32}};
  const std::vector<int64_t> lengths{2, 1, 3};
  const std::vector<int64_t> examples{0, 1, 2};
  const BatchLayout layout = layout_batch(examples, lengths);
  EXPECT_EQ(layout.steps, 3);
  EXPECT_EQ(layout.batch, 3);
  EXPECT_EQ(layout.examples, (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(layout.lengths, (std::vector<int64_t>{3, 2, 1}));
  // rows (2, 0, 1); t = 0: 30 10 20; t = 1: 31 11 pad; t = 2: 32 pad pad
  EXPECT_EQ(pad_ids(layout, ids, 0), (std::vector<int64_t>{30, 10, 20, 31, 11, 0, 32, 0, 0}));
  EXPECT_EQ(pad_ids(layout, ids, kIgnoredTarget),
            (std::vector<int64_t>{30, 10, 20, 31, 11, kIgnoredTarget, 32, kIgnoredTarget, kIgnoredTarget}));
  const std::vector<int64_t> labels{7, 8, 9};
  EXPECT_EQ(gather_targets(layout, labels), (std::vector<int64_t>{9, 7, 8}));
  EXPECT_THROW(pad_ids(layout, std::vector<std::vector<int64_t>>{{1}, {2}, {3}}, 0), std::invalid_argument);
}

// Padding never changes a result: a GRU over a padded frame batch gives, for
// each row, the outputs and final state of that sequence run alone.
TEST(PaddedBatch, PaddingNeverChangesTheRecurrentResult) {
  FrameSequences data;
  data.width = 3;
  Rng rng(5);
  for (int64_t steps : {2, 5, 1, 4}) {
    FrameSequence s;
    s.steps = steps;
    for (int64_t i = 0; i < steps * 3; ++i) s.values.push_back(static_cast<float>(rng.uniform(-1, 1)));
    data.sequences.push_back(s);
  }
  std::vector<int64_t> lengths;
  for (const auto& s : data.sequences) lengths.push_back(s.steps);
  const std::vector<int64_t> all{0, 1, 2, 3};
  const BatchLayout layout = layout_batch(all, lengths);
  Tensor<float> frames;
  pad_frames(layout, data, frames);
  ASSERT_EQ(frames.shape(), (Shape{5, 4, 3}));

  RecurrentOptions options;
  options.cell = CellKind::Gru;
  options.input_size = 3;
  options.hidden_size = 4;
  options.bidirectional = true;
  Recurrent<float> gru(options, rng);
  Tensor<float> output;
  RecurrentState<float> final_state;
  gru.forward(frames, {}, layout.lengths, output, final_state);
  const int64_t B = layout.batch, H = 4;
  for (int64_t r = 0; r < B; ++r) {
    const FrameSequence& alone_seq = data.sequences[static_cast<size_t>(layout.examples[r])];
    Tensor<float> alone({alone_seq.steps, 1, 3});
    std::copy(alone_seq.values.begin(), alone_seq.values.end(), alone.data());
    Tensor<float> alone_output;
    RecurrentState<float> alone_final;
    gru.forward(alone, {}, {}, alone_output, alone_final);
    for (int64_t t = 0; t < layout.steps; ++t)
      for (int64_t j = 0; j < 2 * H; ++j) {
        const float batched = output[(t * B + r) * 2 * H + j];
        const float expected = t < alone_seq.steps ? alone_output[t * 2 * H + j] : 0.0f;
        EXPECT_NEAR(batched, expected, 1e-5) << "row " << r << " t " << t;
      }
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t j = 0; j < H; ++j)
        EXPECT_NEAR(final_state.h[(d * B + r) * H + j], alone_final.h[d * H + j], 1e-5);
  }
}

}  // namespace
}  // namespace recur
