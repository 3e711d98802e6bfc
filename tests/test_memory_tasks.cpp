// The memory tasks' generators (include/recur/memory_tasks.h): the answer is
// where the task says it is, the layout is the published one, a seed and a
// batch index give the same batch, and other streams give other batches.
#include <gtest/gtest.h>

#include <algorithm>

#include "recur/memory_tasks.h"
#include "recur/option_error.h"

namespace recur {
namespace {

// The one-hot feature set at (t, b), or -1 when none is / several are.
int64_t hot(const MemoryBatch& batch, int64_t t, int64_t b) {
  const int64_t B = batch.inputs.dim(1), X = batch.inputs.dim(2);
  int64_t found = -1, count = 0;
  for (int64_t x = 0; x < X; ++x)
    if (batch.inputs[(t * B + b) * X + x] == 1.0f) found = x, ++count;
    else EXPECT_EQ(batch.inputs[(t * B + b) * X + x], 0.0f);
  return count == 1 ? found : -1;
}

TEST(MemoryTasks, EchoAsksForTheKthSymbol) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Echo, .length = 5, .recall = 2, .symbols = 6};
  Rng rng = memory_batch_rng(7, MemoryStream::Train, 0);
  const MemoryBatch batch = generate_memory_batch(spec, 64, rng);
  ASSERT_EQ(batch.inputs.shape(), (Shape{5, 64, 6}));
  ASSERT_EQ(batch.classes.size(), 64u);
  std::vector<int64_t> seen(6, 0);
  for (int64_t b = 0; b < 64; ++b) {
    for (int64_t t = 0; t < 5; ++t) ASSERT_GE(hot(batch, t, b), 0);
    EXPECT_EQ(batch.classes[b], hot(batch, 1, b)) << "row " << b;
    ++seen[batch.classes[b]];
  }
  // Every symbol is asked for in 64 draws (not a constant answer).
  for (int64_t s = 0; s < 6; ++s) EXPECT_GT(seen[s], 0) << "symbol " << s;
}

TEST(MemoryTasks, CopyRecallsTheSequenceAfterTheDelimiter) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Copy, .length = 7, .symbols = 8, .items = 4};
  const int64_t T = 4 + 7 + 4, B = 16;
  ASSERT_EQ(spec.steps(), T);
  Rng rng = memory_batch_rng(3, MemoryStream::Train, 5);
  const MemoryBatch batch = generate_memory_batch(spec, B, rng);
  ASSERT_EQ(batch.inputs.shape(), (Shape{T, B, 10}));
  ASSERT_EQ(batch.classes.size(), static_cast<size_t>(T * B));
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < T; ++t) {
      const int64_t x = hot(batch, t, b), target = batch.classes[t * B + b];
      if (t < 4) {
        EXPECT_GE(x, 1);  // a symbol, never blank or delimiter
        EXPECT_LE(x, 8);
        EXPECT_EQ(batch.classes[(4 + 7 + t) * B + b], x) << "row " << b << " item " << t;
      } else if (t == 4 + 7 - 1) {
        EXPECT_EQ(x, 9) << "the delimiter comes after L - 1 blanks";
      } else {
        EXPECT_EQ(x, 0) << "blank at " << t;
      }
      if (t < 4 + 7) { EXPECT_EQ(target, 0) << "blank target before the recall, step " << t; }
    }
  }
}

TEST(MemoryTasks, AddingMarksOneValueInEachHalfAndTargetsTheirSum) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Adding, .length = 11};
  const int64_t B = 200;
  Rng rng = memory_batch_rng(1, MemoryStream::Validation, 0);
  const MemoryBatch batch = generate_memory_batch(spec, B, rng);
  ASSERT_EQ(batch.inputs.shape(), (Shape{11, B, 2}));
  ASSERT_EQ(batch.values.shape(), (Shape{B, 1}));
  for (int64_t b = 0; b < B; ++b) {
    std::vector<int64_t> marked;
    double sum = 0;
    for (int64_t t = 0; t < 11; ++t) {
      const float value = batch.inputs[(t * B + b) * 2], marker = batch.inputs[(t * B + b) * 2 + 1];
      EXPECT_GE(value, 0.0f);
      EXPECT_LT(value, 1.0f);
      ASSERT_TRUE(marker == 0.0f || marker == 1.0f);
      if (marker == 1.0f) marked.push_back(t), sum += value;
    }
    ASSERT_EQ(marked.size(), 2u) << "row " << b;
    EXPECT_LT(marked[0], 5);
    EXPECT_GE(marked[1], 5);
    EXPECT_FLOAT_EQ(batch.values[b], static_cast<float>(sum));
  }
}

TEST(MemoryTasks, AlwaysPredictingOneHasMseOfOneSixth) {
  // Var(U1 + U2) = 2/12: the baseline `recur memory eval` reports.
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Adding, .length = 20};
  Rng rng = memory_batch_rng(11, MemoryStream::Test, 0);
  const MemoryBatch batch = generate_memory_batch(spec, 20000, rng);
  double sum = 0;
  for (int64_t b = 0; b < 20000; ++b) sum += (batch.values[b] - 1.0) * (batch.values[b] - 1.0);
  EXPECT_NEAR(sum / 20000, 1.0 / 6.0, 0.005);
}

TEST(MemoryTasks, SeedStreamAndIndexReproduceABatch) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Copy, .length = 5, .items = 3};
  auto draw = [&](uint64_t seed, MemoryStream stream, uint64_t index) {
    Rng rng = memory_batch_rng(seed, stream, index);
    return generate_memory_batch(spec, 8, rng).classes;
  };
  EXPECT_EQ(draw(4, MemoryStream::Train, 2), draw(4, MemoryStream::Train, 2));
  EXPECT_NE(draw(4, MemoryStream::Train, 2), draw(4, MemoryStream::Train, 3));
  EXPECT_NE(draw(4, MemoryStream::Train, 2), draw(5, MemoryStream::Train, 2));
  EXPECT_NE(draw(4, MemoryStream::Train, 0), draw(4, MemoryStream::Validation, 0));
  EXPECT_NE(draw(4, MemoryStream::Validation, 0), draw(4, MemoryStream::Test, 0));
}

TEST(MemoryTasks, BadSpecsNameTheOption) {
  auto option_of = [](const MemoryTaskSpec& spec) -> std::string {
    try {
      spec.validate();
    } catch (const OptionError& e) {
      return e.options.at(0);
    }
    return "";
  };
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Echo, .length = 5, .recall = 6}), "recall");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Echo, .length = 5, .recall = 0}), "recall");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Echo, .length = 0}), "length");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Adding, .length = 1}), "length");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Copy, .length = 3, .symbols = 1}), "symbols");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Copy, .length = 3, .items = 0}), "items");
  EXPECT_EQ(option_of({.kind = MemoryTaskKind::Copy, .length = 3}), "");
}

TEST(MemoryTasks, SpecRoundTripsThroughJson) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Echo, .length = 9, .recall = 4, .symbols = 5};
  const MemoryTaskSpec back = MemoryTaskSpec::from_json(spec.to_json());
  EXPECT_EQ(back.to_json(), spec.to_json());
  EXPECT_THROW(MemoryTaskSpec::from_json({{"kind", "echo"}}), std::invalid_argument);
  EXPECT_THROW(parse_memory_task("recall"), std::invalid_argument);
}

}  // namespace
}  // namespace recur
