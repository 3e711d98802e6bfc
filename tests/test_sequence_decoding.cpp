// Decoding a conditioned decoder: beam search of width 1 is greedy decoding;
// beam search finds the exact best sequence of a small model whose every
// sequence is enumerated and scored by teacher forcing (an independent path:
// the training forward, not the stepper); decoding many inputs at once gives
// what decoding each alone gives; sampling follows the sampler's options.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "gradient_check.h"
#include "recur/option_error.h"
#include "recur/sequence_decoding.h"

namespace recur {
namespace {

constexpr int64_t kBegin = 0, kEnd = 1;

ConditionedDecoderConfig tiny(int64_t vocab, Conditioning conditioning) {
  ConditionedDecoderConfig c;
  c.vocab_size = vocab;
  c.embedding = 4;
  c.condition_size = 3;
  c.hidden_size = 8;
  c.conditioning = conditioning;
  return c;
}

DecodingOptions decoding(int64_t max_length, int64_t beam = 1, double alpha = 0) {
  DecodingOptions o;
  o.max_length = max_length;
  o.beam = beam;
  o.length_penalty = alpha;
  o.banned = {kBegin};
  return o;
}

template <typename T>
Tensor<T> conditions(int64_t n, Rng& rng, double scale) {
  Tensor<T> c({n, 3});
  for (int64_t i = 0; i < c.numel(); ++i) c[i] = T(rng.uniform(-scale, scale));
  return c;
}

// log p(tokens, then the end token unless cut) by teacher forcing, in double.
double sequence_log_probability(ConditionedDecoder<double>& decoder, const Tensor<double>& condition,
                                const std::vector<int64_t>& tokens, bool ended) {
  std::vector<int64_t> inputs = {kBegin};
  inputs.insert(inputs.end(), tokens.begin(), tokens.end());
  std::vector<int64_t> targets = tokens;
  if (ended) targets.push_back(kEnd);
  else inputs.pop_back();
  const int64_t T = static_cast<int64_t>(inputs.size()), V = decoder.config().vocab_size;
  const std::vector<int64_t> lengths = {T};
  const Tensor<double>& logits = decoder.forward(inputs, lengths, condition, {}, false, nullptr);
  double total = 0;
  for (int64_t t = 0; t < T; ++t) {
    const double* z = logits.data() + t * V;
    double top = -std::numeric_limits<double>::infinity(), sum = 0;
    for (int64_t v = 0; v < V; ++v) top = std::max(top, z[v]);
    for (int64_t v = 0; v < V; ++v) sum += std::exp(z[v] - top);
    total += z[targets[t]] - top - std::log(sum);
  }
  return total;
}

TEST(BeamSearch, FindsTheExactBestSequenceAmongAll) {
  // Tokens 0 (begin, banned), 1 (end), 2, 3, 4; at most 4 tokens: 1 + 3 + 9 + 27 ending
  // sequences and 81 cut ones, all of which a beam of 200 keeps.
  for (double alpha : {0.0, 1.0}) {
    for (int seed = 0; seed < 4; ++seed) {
      Rng rng(40 + seed);
      ConditionedDecoder<double> decoder(tiny(5, Conditioning::Both), rng);
      const Tensor<double> condition = conditions<double>(1, rng, 2.0);
      DecodingOptions options = decoding(4, 200, alpha);
      double best = -std::numeric_limits<double>::infinity();
      std::vector<int64_t> best_tokens;
      std::vector<int64_t> tokens;
      std::function<void()> enumerate = [&] {
        const int64_t n = static_cast<int64_t>(tokens.size());
        const bool cut = n == options.max_length;
        const double lp = sequence_log_probability(decoder, condition, tokens, !cut);
        const double score = lp / length_penalty(cut ? n : n + 1, alpha);
        if (score > best) {
          best = score;
          best_tokens = tokens;
        }
        if (cut) return;
        for (int64_t v = 2; v < 5; ++v) {
          tokens.push_back(v);
          enumerate();
          tokens.pop_back();
        }
      };
      enumerate();
      const auto found = decode_sequences(decoder, condition, {}, kBegin, kEnd, options);
      ASSERT_EQ(found.size(), 1u);
      EXPECT_EQ(found[0][0].tokens, best_tokens) << "seed " << seed << " alpha " << alpha;
      EXPECT_NEAR(found[0][0].score, best, 1e-9);
      // A narrow beam is never better than the exact best.
      options.beam = 2;
      EXPECT_LE(decode_sequences(decoder, condition, {}, kBegin, kEnd, options)[0][0].score, best + 1e-9);
    }
  }
}

TEST(BeamSearch, WidthOneIsGreedy) {
  Rng rng(50);
  for (Conditioning c : {Conditioning::InitialState, Conditioning::EveryStep, Conditioning::Both}) {
    ConditionedDecoder<float> decoder(tiny(7, c), rng);
    const Tensor<float> condition = conditions<float>(6, rng, 3.0);
    const DecodingOptions options = decoding(12);
    const auto greedy = decode_sequences(decoder, condition, {}, kBegin, kEnd, options);
    const auto beam = beam_search_sequences(decoder, condition, {}, kBegin, kEnd, options);
    for (int64_t n = 0; n < 6; ++n) {
      EXPECT_EQ(beam[n][0].tokens, greedy[n][0].tokens) << n;
      EXPECT_EQ(beam[n][0].finished, greedy[n][0].finished) << n;
      EXPECT_NEAR(beam[n][0].log_probability, greedy[n][0].log_probability, 1e-5);
    }
  }
}

TEST(Decoding, BatchedEqualsOneAtATime) {
  // Every conditioning: without v in the input, steps read a projected embedding table.
  for (Conditioning c : {Conditioning::InitialState, Conditioning::EveryStep, Conditioning::Both}) {
  Rng rng(60);
  ConditionedDecoder<float> decoder(tiny(9, c), rng);
  const Tensor<float> condition = conditions<float>(7, rng, 3.0);
  for (int64_t width : {1, 4}) {
    const DecodingOptions options = decoding(10, width, 0.6);
    const auto together = decode_sequences(decoder, condition, {}, kBegin, kEnd, options);
    ASSERT_EQ(together.size(), 7u);
    for (int64_t n = 0; n < 7; ++n) {
      Tensor<float> one({1, 3});
      for (int64_t j = 0; j < 3; ++j) one[j] = condition[n * 3 + j];
      const auto alone = decode_sequences(decoder, one, {}, kBegin, kEnd, options);
      ASSERT_EQ(alone[0].size(), together[n].size()) << n;
      for (size_t k = 0; k < alone[0].size(); ++k) {
        EXPECT_EQ(alone[0][k].tokens, together[n][k].tokens) << n << " " << k;
        EXPECT_NEAR(alone[0][k].score, together[n][k].score, 1e-4);
      }
    }
  }
  }
}

TEST(Decoding, SamplingDrawsFromTheSamplersDistribution) {
  // top_k = 1 leaves only the most likely token: sampling equals greedy.
  Rng rng(70);
  ConditionedDecoder<float> decoder(tiny(6, Conditioning::InitialState), rng);
  const Tensor<float> condition = conditions<float>(5, rng, 3.0);
  const DecodingOptions greedy = decoding(8);
  DecodingOptions sampled = greedy;
  sampled.sampling = SamplingOptions{.temperature = 1.5, .top_k = 1};
  Rng draw(1);
  const auto a = decode_sequences(decoder, condition, {}, kBegin, kEnd, greedy);
  const auto b = decode_sequences(decoder, condition, {}, kBegin, kEnd, sampled, &draw);
  for (int64_t n = 0; n < 5; ++n) EXPECT_EQ(a[n][0].tokens, b[n][0].tokens);
  // At a high temperature without limits, draws differ between inputs' repeats.
  sampled.sampling = SamplingOptions{.temperature = 5.0};
  Tensor<float> same({20, 3});
  for (int64_t i = 0; i < same.numel(); ++i) same[i] = condition[i % 3];
  const auto c = decode_sequences(decoder, same, {}, kBegin, kEnd, sampled, &draw);
  int64_t distinct = 0;
  for (int64_t n = 1; n < 20; ++n) distinct += c[n][0].tokens != c[0][0].tokens;
  EXPECT_GT(distinct, 0);
}

TEST(Decoding, RefusesBeamZero) {
  Rng rng(80);
  ConditionedDecoder<float> decoder(tiny(4, Conditioning::InitialState), rng);
  const DecodingOptions options = decoding(5, 0);
  EXPECT_THROW(decode_sequences(decoder, conditions<float>(1, rng, 1.0), {}, kBegin, kEnd, options), OptionError);
}

}  // namespace
}  // namespace recur
