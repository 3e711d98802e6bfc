// TokenSampler: greedy / temperature / top-k / top-p, checked against an
// independent reference of each rule and, by drawing many tokens, against the
// distribution it claims to sample from. Seeded, so every run draws the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "recur/option_error.h"
#include "recur/rng.h"
#include "recur/sampling.h"

namespace recur {
namespace {

std::vector<float> random_logits(Rng& rng, int64_t size, double scale = 2.0) {
  std::vector<float> logits(static_cast<size_t>(size));
  for (float& l : logits) l = static_cast<float>(scale * rng.normal());
  return logits;
}

// Lowest id among the largest logits.
int64_t argmax(const std::vector<float>& logits) {
  int64_t best = 0;
  for (int64_t v = 1; v < static_cast<int64_t>(logits.size()); ++v)
    if (logits[v] > logits[best]) best = v;
  return best;
}

std::vector<double> softmax(const std::vector<float>& logits, double temperature) {
  const double top = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(logits.size());
  double sum = 0;
  for (size_t v = 0; v < p.size(); ++v) sum += p[v] = std::exp((double(logits[v]) - top) / temperature);
  for (double& x : p) x /= sum;
  return p;
}

// The rules written out plainly: softmax(logits / T); keep the k most likely;
// of those keep the fewest most likely whose probability reaches top_p;
// renormalise.
std::vector<double> reference_distribution(const std::vector<float>& logits, const SamplingOptions& o) {
  std::vector<double> p = softmax(logits, o.temperature);
  const int64_t V = static_cast<int64_t>(p.size());
  std::vector<int64_t> order(static_cast<size_t>(V));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
  int64_t keep = o.top_k > 0 ? std::min(o.top_k, V) : V;
  double mass = 0;
  for (int64_t i = 0; i < keep; ++i) {
    mass += p[order[i]];
    if (mass >= o.top_p) {
      keep = i + 1;
      break;
    }
  }
  std::vector<double> q(p.size(), 0.0);
  double kept = 0;
  for (int64_t i = 0; i < keep; ++i) kept += p[order[i]];
  for (int64_t i = 0; i < keep; ++i) q[order[i]] = p[order[i]] / kept;
  return q;
}

SamplingOptions options(double temperature, int64_t top_k = 0, double top_p = 1.0, bool greedy = false) {
  SamplingOptions o;
  o.temperature = temperature;
  o.top_k = top_k;
  o.top_p = top_p;
  o.greedy = greedy;
  return o;
}

std::vector<int64_t> draw_counts(TokenSampler& sampler, const std::vector<float>& logits, int64_t draws, Rng& rng) {
  std::vector<int64_t> counts(logits.size(), 0);
  for (int64_t i = 0; i < draws; ++i) {
    const int64_t token = sampler.sample(logits, rng);
    EXPECT_GE(token, 0);
    EXPECT_LT(token, static_cast<int64_t>(logits.size()));
    if (token >= 0 && token < static_cast<int64_t>(logits.size())) ++counts[token];
  }
  return counts;
}

// Frequencies of `draws` draws against the probabilities q: every bin within
// 5 standard deviations of its expectation, tokens with q = 0 never drawn, and
// Pearson's chi-square below its 5-sigma quantile (Wilson-Hilferty; about
// 3e-7 of fair runs would exceed it).
void expect_frequencies_match(const std::vector<int64_t>& counts, const std::vector<double>& q, int64_t draws,
                              const std::string& what) {
  double chi_square = 0;
  int64_t bins = 0;
  for (size_t v = 0; v < q.size(); ++v) {
    const double expected = draws * q[v];
    if (q[v] == 0) {
      EXPECT_EQ(counts[v], 0) << what << ": token " << v << " has probability 0 but was drawn";
      continue;
    }
    const double sigma = std::sqrt(draws * q[v] * (1 - q[v]));
    EXPECT_LE(std::abs(counts[v] - expected), 5 * sigma + 1e-9)
        << what << ": token " << v << " drawn " << counts[v] << " times, expected " << expected << " +- " << sigma;
    chi_square += (counts[v] - expected) * (counts[v] - expected) / expected;
    ++bins;
  }
  if (bins < 2) return;
  const double df = bins - 1, z = 5.0;
  const double quantile = df * std::pow(1 - 2 / (9 * df) + z * std::sqrt(2 / (9 * df)), 3);
  EXPECT_LT(chi_square, quantile) << what << ": chi-square " << chi_square << " with " << df << " degrees of freedom";
}

TEST(Sampling, TemperatureZeroIsGreedyIsArgmax) {
  Rng data(11), draws(12);
  for (int trial = 0; trial < 2000; ++trial) {
    const int64_t V = 2 + static_cast<int64_t>(data.below(63));
    std::vector<float> logits = random_logits(data, V);
    // Every other vector on a coarse grid, so that ties for the maximum occur.
    if (trial % 2 == 1)
      for (float& l : logits) l = std::round(l);
    const int64_t expected = argmax(logits);
    TokenSampler zero(options(0.0));
    TokenSampler greedy(options(1.0, 0, 1.0, true));
    TokenSampler greedy_hot(options(5.0, 3, 0.5, true));  // --greedy overrides the other flags
    ASSERT_EQ(zero.sample(logits, draws), expected) << "trial " << trial;
    ASSERT_EQ(greedy.sample(logits, draws), expected) << "trial " << trial;
    ASSERT_EQ(greedy_hot.sample(logits, draws), expected) << "trial " << trial;
    const std::vector<double>& p = zero.distribution(logits);
    for (int64_t v = 0; v < V; ++v) ASSERT_EQ(p[v], v == expected ? 1.0 : 0.0) << "trial " << trial;
  }
}

TEST(Sampling, TopKNeverLeavesTheKLargest) {
  Rng data(21), draws(22);
  for (int64_t k : {1, 2, 3, 7}) {
    for (int trial = 0; trial < 20; ++trial) {
      const std::vector<float> logits = random_logits(data, 20, 1.0);
      std::vector<float> sorted = logits;
      std::sort(sorted.begin(), sorted.end(), std::greater<>());
      const float kth = sorted[k - 1];
      TokenSampler sampler(options(1.0, k));
      std::vector<int64_t> seen(logits.size(), 0);
      for (int i = 0; i < 2000; ++i) {
        const int64_t token = sampler.sample(logits, draws);
        ASSERT_GE(logits[token], kth) << "top-k " << k << " drew token " << token << " outside the " << k << " largest";
        ++seen[token];
      }
      // All k are really in play (top-k is not greedy in disguise).
      for (size_t v = 0; v < logits.size(); ++v)
        if (logits[v] >= kth) {
          EXPECT_GT(seen[v], 0) << "top-k " << k << " never drew token " << v;
        }
      const std::vector<double>& p = sampler.distribution(logits);
      EXPECT_EQ(std::count_if(p.begin(), p.end(), [](double x) { return x > 0; }), k);
      EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
    }
  }
  // k at or above the vocabulary size keeps everything.
  const std::vector<float> logits = {0.5f, -1.0f, 2.0f};
  TokenSampler all(options(1.0, 3)), more(options(1.0, 10));
  const std::vector<double> expected = softmax(logits, 1.0);
  for (size_t v = 0; v < logits.size(); ++v) {
    EXPECT_NEAR(all.distribution(logits)[v], expected[v], 1e-12);
    EXPECT_NEAR(more.distribution(logits)[v], expected[v], 1e-12);
  }
}

TEST(Sampling, TopPKeepsTheSmallestSetReachingP) {
  // Probabilities 0.1, 0.4, 0.2, 0.3 for ids 0..3: by rank 1, 3, 2, 0.
  const std::vector<float> logits = {std::log(0.1f), std::log(0.4f), std::log(0.2f), std::log(0.3f)};
  struct Case {
    double top_p;
    std::vector<int64_t> kept;
  };
  const std::vector<Case> cases = {{0.05, {1}}, {0.35, {1}}, {0.45, {1, 3}}, {0.65, {1, 3}},
                                   {0.75, {1, 3, 2}}, {0.85, {1, 3, 2}}, {0.95, {0, 1, 2, 3}}, {1.0, {0, 1, 2, 3}}};
  Rng draws(31);
  for (const Case& c : cases) {
    TokenSampler sampler(options(1.0, 0, c.top_p));
    const std::vector<double> p = sampler.distribution(logits);
    double kept_mass = 0;
    for (int64_t id : c.kept) kept_mass += softmax(logits, 1.0)[id];
    for (int64_t v = 0; v < 4; ++v) {
      const bool kept = std::find(c.kept.begin(), c.kept.end(), v) != c.kept.end();
      EXPECT_NEAR(p[v], kept ? softmax(logits, 1.0)[v] / kept_mass : 0.0, 1e-7) << "top-p " << c.top_p << " id " << v;
    }
    for (int i = 0; i < 500; ++i) {
      const int64_t token = sampler.sample(logits, draws);
      ASSERT_NE(std::find(c.kept.begin(), c.kept.end(), token), c.kept.end())
          << "top-p " << c.top_p << " drew token " << token;
    }
  }

  // On random logits: the kept set reaches p, is the most likely tokens, and
  // dropping its least likely member would fall short of p.
  Rng data(32);
  for (int trial = 0; trial < 500; ++trial) {
    const std::vector<float> logits = random_logits(data, 2 + static_cast<int64_t>(data.below(40)));
    const double top_p = data.uniform(0.01, 0.99);
    TokenSampler sampler(options(1.0, 0, top_p));
    const std::vector<double>& q = sampler.distribution(logits);
    const std::vector<double> p = softmax(logits, 1.0);
    double kept_mass = 0, least_kept = 2, most_dropped = -1;
    for (size_t v = 0; v < p.size(); ++v) {
      if (q[v] > 0) {
        kept_mass += p[v];
        least_kept = std::min(least_kept, p[v]);
      } else {
        most_dropped = std::max(most_dropped, p[v]);
      }
    }
    ASSERT_GE(kept_mass, top_p - 1e-12) << "trial " << trial;
    ASSERT_LT(kept_mass - least_kept, top_p + 1e-12) << "trial " << trial << ": a smaller set reaches " << top_p;
    ASSERT_GE(least_kept, most_dropped) << "trial " << trial << ": a dropped token is more likely than a kept one";
    for (size_t v = 0; v < p.size(); ++v)
      if (q[v] > 0) {
        ASSERT_NEAR(q[v], p[v] / kept_mass, 1e-12) << "trial " << trial;
      }
  }
}

TEST(Sampling, FrequenciesMatchTheDistributionOfEveryRule) {
  Rng data(41);
  const std::vector<float> logits = random_logits(data, 8, 1.0);
  const std::vector<SamplingOptions> all = {options(1.0),         options(0.5),          options(2.0),
                                            options(1.0, 3),      options(1.0, 0, 0.8), options(0.7, 4, 0.9),
                                            options(1.5, 0, 0.6)};
  const int64_t draws = 100000;
  Rng rng(42);
  for (const SamplingOptions& o : all) {
    const std::string what = "T=" + std::to_string(o.temperature) + " top-k=" + std::to_string(o.top_k) +
                             " top-p=" + std::to_string(o.top_p);
    TokenSampler sampler(o);
    const std::vector<double> expected = reference_distribution(logits, o);
    const std::vector<double> claimed = sampler.distribution(logits);
    for (size_t v = 0; v < expected.size(); ++v) EXPECT_NEAR(claimed[v], expected[v], 1e-12) << what << " id " << v;
    expect_frequencies_match(draw_counts(sampler, logits, draws, rng), expected, draws, what);
  }
}

TEST(Sampling, TemperatureScalesTheLogits) {
  Rng data(51);
  const std::vector<float> logits = random_logits(data, 30);
  double previous_entropy = -1;
  for (double temperature : {0.05, 0.25, 0.5, 1.0, 2.0, 4.0, 100.0}) {
    TokenSampler sampler(options(temperature));
    const std::vector<double>& p = sampler.distribution(logits);
    // softmax(logits / T), computed independently.
    std::vector<double> expected(logits.size());
    double sum = 0;
    for (size_t v = 0; v < logits.size(); ++v) sum += expected[v] = std::exp(double(logits[v]) / temperature - 50);
    double entropy = 0;
    for (size_t v = 0; v < logits.size(); ++v) {
      EXPECT_NEAR(p[v], expected[v] / sum, 1e-12 + 1e-9 * expected[v] / sum) << "T=" << temperature << " id " << v;
      if (p[v] > 0) entropy -= p[v] * std::log(p[v]);
    }
    EXPECT_GT(entropy, previous_entropy) << "a higher temperature must flatten the distribution (T=" << temperature
                                         << ")";
    previous_entropy = entropy;
  }
  EXPECT_GT(previous_entropy, std::log(30.0) - 0.01);  // T=100: close to uniform

  // Large and masked logits stay finite: the softmax subtracts the maximum.
  const float inf = std::numeric_limits<float>::infinity();
  TokenSampler one(options(1.0));
  const std::vector<double> big = one.distribution(std::vector<float>{1000.0f, 999.0f, -1000.0f, -inf});
  EXPECT_NEAR(big[0], 1 / (1 + std::exp(-1.0)), 1e-12);
  EXPECT_NEAR(big[1], std::exp(-1.0) / (1 + std::exp(-1.0)), 1e-12);
  EXPECT_EQ(big[2], 0.0);
  EXPECT_EQ(big[3], 0.0);
  TokenSampler cold(options(1e-3));
  const std::vector<double> nearly_greedy = cold.distribution(std::vector<float>{1.0f, 3.0f, 2.99f});
  EXPECT_NEAR(nearly_greedy[1], 1.0, 1e-4);
  for (double x : nearly_greedy) EXPECT_TRUE(std::isfinite(x));
}

TEST(Sampling, SeededDrawsRepeat) {
  Rng data(61);
  const std::vector<float> logits = random_logits(data, 50, 0.5);
  TokenSampler sampler(options(1.0, 20, 0.95));
  Rng a(7), b(7), c(8);
  std::vector<int64_t> first, second, other;
  for (int i = 0; i < 200; ++i) {
    first.push_back(sampler.sample(logits, a));
    second.push_back(sampler.sample(logits, b));
    other.push_back(sampler.sample(logits, c));
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
}

TEST(Sampling, InvalidOptionsThrowNamingTheOption) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  struct Case {
    SamplingOptions options;
    std::string flag;
  };
  const std::vector<Case> cases = {{options(-1.0), "temperature"},     {options(-1e-9), "temperature"},
                                   {options(nan), "temperature"},      {options(inf), "temperature"},
                                   {options(1.0, -1), "top_k"},        {options(1.0, 0, 0.0), "top_p"},
                                   {options(1.0, 0, -0.5), "top_p"},   {options(1.0, 0, 1.5), "top_p"},
                                   {options(1.0, 0, nan), "top_p"}};
  for (const Case& c : cases) {
    for (int via_constructor = 0; via_constructor < 2; ++via_constructor) {
      try {
        if (via_constructor) {
          TokenSampler sampler(c.options);
          (void)sampler;
        } else {
          c.options.validate();
        }
        ADD_FAILURE() << "no exception for " << c.flag << " (T=" << c.options.temperature << " k=" << c.options.top_k
                      << " p=" << c.options.top_p << ")";
      } catch (const OptionError& e) {
        // The library names its own option; the CLI turns it into a flag.
        ASSERT_EQ(e.options.size(), 1u);
        EXPECT_EQ(e.options[0], c.flag);
        EXPECT_NE(std::string(e.what()).find(c.flag), std::string::npos) << e.what();
      }
    }
  }
  // The edges of the valid ranges are accepted.
  EXPECT_NO_THROW(options(0.0).validate());
  EXPECT_NO_THROW(options(1.0, 0, 1.0).validate());
  EXPECT_NO_THROW(options(1.0, 1, 1e-9).validate());
}

}  // namespace
}  // namespace recur
