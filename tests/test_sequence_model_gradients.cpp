// The classifier's and tagger's own layers in double precision: the character
// word encoder and each pooling against central differences; pooling against
// hand-computed values; and masking — a sequence alone gives the same outputs
// and gradients as the same sequence padded inside a batch, for each pooling
// and for per-step outputs, through the whole SequenceModel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gradient_check.h"
#include "recur/char_word_encoder.h"
#include "recur/label_set.h"
#include "recur/loss.h"
#include "recur/sequence_model.h"
#include "recur/sequence_pooling.h"

namespace recur {
namespace {

using testing::dot;
using testing::numeric_gradient;
using testing::random_tensor;
using testing::relative_error;

TEST(SequencePooling, HandComputedValuesOverValidStepsOnly) {
  // T = 3, B = 2, X = 2 (bidirectional, H = 1); row 1 has length 2, its step 2 is padding.
  Tensor<double> x({3, 2, 2});
  const double values[] = {1, 2, 5, 6,     // t0: row0 (1, 2), row1 (5, 6)
                           3, -1, 7, 0,    // t1
                           -4, 9, 100, 100};  // t2: row1 is padding (must be ignored)
  for (int i = 0; i < 12; ++i) x[i] = values[i];
  const std::vector<int64_t> lengths = {3, 2};
  Tensor<double> y;
  SequencePooling<double> last(PoolingMode::Last, 2), mean(PoolingMode::Mean, 2), max(PoolingMode::Max, 2);
  last.forward(x, lengths, y);
  EXPECT_EQ(std::vector<double>(y.values()), (std::vector<double>{-4, 2, 7, 6}));  // forward at len-1, reverse at 0
  mean.forward(x, lengths, y);
  const double means[] = {0, 10.0 / 3, 6, 3};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y[i], means[i], 1e-15);
  max.forward(x, lengths, y);
  EXPECT_EQ(std::vector<double>(y.values()), (std::vector<double>{3, 9, 7, 6}));
  Tensor<double> g({2, 2}, 1.0), gx;
  max.backward(g, gx);
  // Gradient lands on the argmax steps only: row0 (t1, t2), row1 (t1, t0).
  const double routed[] = {0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(gx[i], routed[i]) << i;
}

class PoolingGradient : public ::testing::TestWithParam<PoolingMode> {};

TEST_P(PoolingGradient, MatchesCentralDifferences) {
  Rng rng(21);
  Tensor<double> x = random_tensor<Rng>({4, 3, 6}, rng);
  const std::vector<int64_t> lengths = {4, 2, 1};
  const Tensor<double> w = random_tensor<Rng>({3, 6}, rng);
  SequencePooling<double> pooling(GetParam(), 2);
  Tensor<double> y;
  auto loss = [&] {
    pooling.forward(x, lengths, y);
    return dot(y, w);
  };
  loss();
  Tensor<double> grad_x;
  pooling.backward(w, grad_x);
  EXPECT_LT(relative_error(grad_x, numeric_gradient(x, loss)), 1e-6);
  // Padding steps get no gradient.
  for (int64_t j = 0; j < 6; ++j) EXPECT_EQ(grad_x[(3 * 3 + 1) * 6 + j], 0.0);
}

INSTANTIATE_TEST_SUITE_P(EachMode, PoolingGradient,
                         ::testing::Values(PoolingMode::Last, PoolingMode::Mean, PoolingMode::Max),
                         [](const auto& info) { return pooling_name(info.param); });

class CharEncoderGradient : public ::testing::TestWithParam<CellKind> {};

TEST_P(CharEncoderGradient, MatchesCentralDifferences) {
  Rng rng(22);
  CharWordEncoder<double> encoder(7, 3, 4, GetParam(), rng);
  // Three words of 4, 2 and 1 characters, time-major [L = 4, U = 3], padding 0.
  const std::vector<int64_t> chars = {2, 3, 6, 4, 5, 0, 2, 0, 0, 6, 0, 0};
  const std::vector<int64_t> lengths = {4, 2, 1};
  const Tensor<double> w = random_tensor<Rng>({3, 8}, rng);
  Tensor<double> y;
  auto loss = [&] {
    encoder.forward(chars, lengths, 4, y);
    return dot(y, w);
  };
  loss();
  ASSERT_EQ(y.shape(), (Shape{3, 8}));
  zero_grad(encoder.parameters());
  encoder.backward(w);
  for (Parameter<double>* p : encoder.parameters())
    EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), 1e-6) << p->name;
  // The padding character's embedding row is never read.
  const Parameter<double>& table = *encoder.parameters()[0];
  for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(table.grad[j], 0.0);
}

INSTANTIATE_TEST_SUITE_P(LstmAndGru, CharEncoderGradient, ::testing::Values(CellKind::Lstm, CellKind::Gru),
                         [](const auto& info) { return cell_name(info.param); });

// A words-with-characters model, double precision.
SequenceModelConfig small_config(std::optional<PoolingMode> pooling) {
  SequenceModelConfig c;
  c.input = {.kind = InputKind::Words, .vocab_size = 9, .word_embedding = 4, .char_vocab_size = 6,
             .char_embedding = 3, .char_hidden = 2, .char_cell = CellKind::Gru};
  c.cell = CellKind::Lstm;
  c.hidden_size = 3;
  c.num_layers = 2;
  c.bidirectional = true;
  c.pooling = pooling;
  c.classes = 3;
  return c;
}

// Example words (ids) and their characters: word w has characters {2 + w % 4, ...} of length 1 + w % 3.
std::vector<int64_t> chars_of(int64_t word) {
  std::vector<int64_t> c;
  for (int64_t i = 0; i <= word % 3; ++i) c.push_back(2 + (word + i) % 4);
  return c;
}

// A batch of the given sequences (already longest first), with per-position distinct words.
SequenceBatch make_batch(const std::vector<std::vector<int64_t>>& sequences) {
  SequenceBatch b;
  const int64_t B = static_cast<int64_t>(sequences.size()), T = static_cast<int64_t>(sequences[0].size());
  b.layout.steps = T;
  b.layout.batch = B;
  for (int64_t r = 0; r < B; ++r) {
    b.layout.examples.push_back(r);
    b.layout.lengths.push_back(static_cast<int64_t>(sequences[r].size()));
  }
  b.word_ids.assign(T * B, 0);
  b.chars.word_of_position.assign(T * B, -1);
  // One distinct "word" per position (simplest valid CharBatch), sorted by character count.
  std::vector<std::pair<int64_t, int64_t>> positions;  // (position, word)
  for (int64_t r = 0; r < B; ++r)
    for (int64_t t = 0; t < b.layout.lengths[r]; ++t) {
      b.word_ids[t * B + r] = sequences[r][t];
      positions.emplace_back(t * B + r, sequences[r][t]);
    }
  std::stable_sort(positions.begin(), positions.end(),
                   [](auto a, auto c) { return chars_of(a.second).size() > chars_of(c.second).size(); });
  const int64_t U = static_cast<int64_t>(positions.size());
  const int64_t L = static_cast<int64_t>(chars_of(positions[0].second).size());
  b.chars.words = U;
  b.chars.max_length = L;
  b.chars.chars.assign(L * U, 0);
  for (int64_t u = 0; u < U; ++u) {
    const std::vector<int64_t> c = chars_of(positions[u].second);
    b.chars.lengths.push_back(static_cast<int64_t>(c.size()));
    for (size_t i = 0; i < c.size(); ++i) b.chars.chars[i * U + u] = c[i];
    b.chars.word_of_position[positions[u].first] = u;
  }
  return b;
}

struct MaskingCase {
  const char* name;
  std::optional<PoolingMode> pooling;
};

class Masking : public ::testing::TestWithParam<MaskingCase> {};

TEST_P(Masking, PaddingChangesNoOutputAndNoGradient) {
  const SequenceModelConfig config = small_config(GetParam().pooling);
  const bool per_step = !config.pooling;
  const std::vector<int64_t> sentence = {3, 5, 2};
  const std::vector<std::vector<int64_t>> padded_batch = {{7, 1, 4, 8, 6}, sentence, {2}};
  const std::vector<int64_t> sentence_targets = {2, 0, 1};

  Rng rng(23);
  SequenceModel<double> model(config, rng);
  const ParameterList<double> params = model.parameters();
  auto run = [&](const std::vector<std::vector<int64_t>>& sequences, int64_t row, Tensor<double>& logits_of_row) {
    const SequenceBatch b = make_batch(sequences);
    const Tensor<double>& logits = model.forward(b, false, nullptr);
    const int64_t B = b.layout.batch, C = config.classes;
    // Loss: cross-entropy of `sentence` only (row `row`); other rows ignored.
    std::vector<int64_t> targets(static_cast<size_t>(per_step ? b.layout.steps * B : B), kIgnoredTarget);
    logits_of_row = Tensor<double>({per_step ? 3 : 1, C});
    for (int64_t t = 0; t < (per_step ? 3 : 1); ++t) {
      const int64_t i = per_step ? t * B + row : row;
      targets[i] = per_step ? sentence_targets[t] : 1;
      for (int64_t c = 0; c < C; ++c) logits_of_row[t * C + c] = logits[i * C + c];
    }
    Tensor<double> grad;
    softmax_cross_entropy<double>(logits, targets, &grad);
    zero_grad(params);
    model.backward(grad);
  };
  Tensor<double> alone_logits, batch_logits;
  run({sentence}, 0, alone_logits);
  std::vector<Tensor<double>> alone_grads;
  for (auto* p : params) alone_grads.push_back(p->grad);
  run(padded_batch, 1, batch_logits);
  for (int64_t i = 0; i < alone_logits.numel(); ++i) EXPECT_NEAR(alone_logits[i], batch_logits[i], 1e-12);
  for (size_t k = 0; k < params.size(); ++k)
    EXPECT_LT(relative_error(params[k]->grad, alone_grads[k]), 1e-10) << params[k]->name;
}

INSTANTIATE_TEST_SUITE_P(EachOutput, Masking,
                         ::testing::Values(MaskingCase{"last", PoolingMode::Last}, MaskingCase{"mean", PoolingMode::Mean},
                                           MaskingCase{"max", PoolingMode::Max}, MaskingCase{"per_step", std::nullopt}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SequenceInput, WordDropoutReplacesWordsByUnknownInTrainingOnly) {
  SequenceInputConfig config{.kind = InputKind::Words, .vocab_size = 9, .word_embedding = 4, .word_dropout = 0.5};
  Rng rng(25);
  SequenceInput<double> input(config, rng);
  const Tensor<double>& table = input.word_embedding().value;
  const SequenceBatch b = make_batch({{3, 5, 2, 7, 8, 4, 6, 3}, {2, 8}});
  auto row_is = [&](const Tensor<double>& out, int64_t i, int64_t id) {
    for (int64_t j = 0; j < 4; ++j)
      if (out[i * 4 + j] != table[id * 4 + j]) return false;
    return true;
  };
  Tensor<double> out;
  input.forward(b, out, /*training=*/false, nullptr);
  for (int64_t i = 0; i < 16; ++i)
    if (b.word_ids[i] != WordVocabulary::kPad) { EXPECT_TRUE(row_is(out, i, b.word_ids[i])) << i; }
  Rng draws(26);
  input.forward(b, out, /*training=*/true, &draws);
  int unknown = 0, kept = 0;
  for (int64_t i = 0; i < 16; ++i) {
    if (b.word_ids[i] == WordVocabulary::kPad) continue;
    if (row_is(out, i, WordVocabulary::kUnknown)) ++unknown;
    else if (row_is(out, i, b.word_ids[i])) ++kept;
  }
  EXPECT_EQ(unknown + kept, 10);  // every word is itself or <unk>
  EXPECT_GT(unknown, 0);
  EXPECT_GT(kept, 0);
}

TEST(SequenceModelGradient, WholeTaggerMatchesCentralDifferences) {
  SequenceModelConfig config = small_config(std::nullopt);
  config.num_layers = 1;
  Rng rng(24);
  SequenceModel<double> model(config, rng);
  const SequenceBatch b = make_batch({{3, 5, 2}, {1, 4}});
  std::vector<int64_t> targets = {2, 0, 1, 1, 0, kIgnoredTarget};
  Tensor<double> grad;
  auto loss = [&] { return double(softmax_cross_entropy<double>(model.forward(b, false, nullptr), targets, nullptr).loss); };
  softmax_cross_entropy<double>(model.forward(b, false, nullptr), targets, &grad);
  zero_grad(model.parameters());
  model.backward(grad);
  for (Parameter<double>* p : model.parameters())
    EXPECT_LT(relative_error(p->grad, numeric_gradient(p->value, loss)), 1e-6) << p->name;
}

}  // namespace
}  // namespace recur
