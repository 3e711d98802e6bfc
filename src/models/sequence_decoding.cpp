#include "recur/sequence_decoding.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "recur/option_error.h"

namespace recur {

void DecodingOptions::validate() const {
  if (max_length < 1) throw OptionError("max_length", "max length must be >= 1, got " + std::to_string(max_length));
  if (beam < 1) throw OptionError("beam", "beam must be >= 1, got " + std::to_string(beam));
  if (!(length_penalty >= 0) || !std::isfinite(length_penalty))
    throw OptionError("length_penalty", "length penalty must be >= 0");
  if (sampling) {
    sampling->validate();
    if (beam > 1) throw OptionError(std::vector<std::string>{"beam", "temperature"}, "sampling decodes one hypothesis: use beam 1");
  }
}

double length_penalty(int64_t length, double alpha) {
  return alpha == 0 ? 1.0 : std::pow((5.0 + static_cast<double>(length)) / 6.0, alpha);
}

namespace {

// log softmax of one row, in double.
template <typename T>
void log_softmax(const T* logits, int64_t V, std::vector<double>& out) {
  out.resize(static_cast<size_t>(V));
  const double top = *std::max_element(logits, logits + V);
  double sum = 0;
  for (int64_t v = 0; v < V; ++v) sum += std::exp(double(logits[v]) - top);
  const double log_sum = top + std::log(sum);
  for (int64_t v = 0; v < V; ++v) out[static_cast<size_t>(v)] = double(logits[v]) - log_sum;
}

// log softmax of one entry of a row: what greedy decoding adds to a hypothesis.
template <typename T>
double log_probability_of(const T* logits, int64_t V, int64_t token) {
  const double top = *std::max_element(logits, logits + V);
  double sum = 0;
  for (int64_t v = 0; v < V; ++v) sum += std::exp(double(logits[v]) - top);
  return double(logits[token]) - top - std::log(sum);
}

// Keeps rows `keep` of a state [L, R, H] (in that order): beams follow their
// parents. `spare` is a workspace of the same kind, swapped in, so that no
// step allocates once the batch has stopped growing.
template <typename T>
void gather_rows(Tensor<T>& state, std::span<const int64_t> keep, Tensor<T>& spare) {
  if (state.empty()) return;
  const int64_t L = state.dim(0), R = state.dim(1), H = state.dim(2), K = static_cast<int64_t>(keep.size());
  spare.resize({L, K, H});
  for (int64_t l = 0; l < L; ++l)
    for (int64_t i = 0; i < K; ++i)
      std::memcpy(spare.data() + (l * K + i) * H, state.data() + (l * R + keep[i]) * H, sizeof(T) * H);
  std::swap(state, spare);
}

template <typename T>
void gather_state(RecurrentState<T>& state, std::span<const int64_t> keep, RecurrentState<T>& spare) {
  gather_rows(state.h, keep, spare.h);
  gather_rows(state.c, keep, spare.c);
}

// The first best token that is not banned (greedy; ties to the lower id, as std::max_element).
template <typename T>
int64_t best_token(const T* logits, int64_t V, const std::vector<bool>& banned) {
  int64_t best = -1;
  for (int64_t v = 0; v < V; ++v)
    if (!banned[v] && (best < 0 || logits[v] > logits[best])) best = v;
  return best;
}

// Greedy or sampled: one hypothesis per input, rows leave when they end.
template <typename T>
std::vector<std::vector<Hypothesis>> decode_one_each(ConditionedDecoder<T>& decoder, int64_t N, int64_t begin_token,
                                                     int64_t end_token, const DecodingOptions& options, Rng* rng) {
  std::optional<TokenSampler> sampler;
  if (options.sampling) {
    if (rng == nullptr) throw std::invalid_argument("sampled decoding needs an Rng");
    sampler.emplace(*options.sampling);
  }
  const int64_t V = decoder.config().vocab_size;
  std::vector<bool> banned(static_cast<size_t>(V), false);
  for (int64_t b : options.banned) banned[b] = true;
  std::vector<Hypothesis> result(static_cast<size_t>(N));
  std::vector<int64_t> sources(static_cast<size_t>(N)), tokens(static_cast<size_t>(N), begin_token), keep;
  for (int64_t n = 0; n < N; ++n) sources[n] = n;
  RecurrentState<T> state = decoder.initial_state(sources), spare;
  Tensor<T> logits;
  std::vector<float> row;
  for (int64_t step = 0; step < options.max_length && !sources.empty(); ++step) {
    decoder.step(tokens, sources, state, logits);
    keep.clear();
    for (size_t r = 0; r < sources.size(); ++r) {
      const T* z = logits.data() + r * V;
      int64_t token = 0;
      if (sampler) {
        row.assign(z, z + V);
        for (int64_t b : options.banned) row[b] = -std::numeric_limits<float>::infinity();
        token = sampler->sample(row, *rng);
      } else {
        token = best_token(z, V, banned);
      }
      Hypothesis& h = result[static_cast<size_t>(sources[r])];
      h.log_probability += log_probability_of(z, V, token);
      if (token == end_token) continue;
      h.tokens.push_back(token);
      keep.push_back(static_cast<int64_t>(r));
      tokens[keep.size() - 1] = token;
      sources[keep.size() - 1] = sources[r];
    }
    sources.resize(keep.size());
    tokens.resize(keep.size());
    if (static_cast<int64_t>(keep.size()) < state.h.dim(1)) gather_state(state, keep, spare);
  }
  // Rows still live here were cut at max_length; the others ended with the end token.
  std::vector<std::vector<Hypothesis>> out(static_cast<size_t>(N));
  for (int64_t n = 0; n < N; ++n) {
    Hypothesis& h = result[static_cast<size_t>(n)];
    h.finished = std::find(sources.begin(), sources.end(), n) == sources.end();
    h.score = h.log_probability;
    out[static_cast<size_t>(n)].push_back(std::move(h));
  }
  return out;
}

// A live hypothesis is a node of a tree of tokens shared by every hypothesis
// of the search (node_token, node_parent), so that extending one copies nothing.
struct Live {
  int64_t node = -1;  // its last token (-1: none yet)
  int64_t length = 0;
  double log_probability = 0;
  int64_t row = 0;  // its row in the batch
};

struct Candidate {
  double log_probability;
  int64_t parent;  // index into the input's live list
  int64_t token;
};

struct TokenTree {
  std::vector<int64_t> token, parent;

  int64_t add(int64_t parent_node, int64_t t) {
    token.push_back(t);
    parent.push_back(parent_node);
    return static_cast<int64_t>(token.size()) - 1;
  }
  std::vector<int64_t> tokens(int64_t node, int64_t length) const {
    std::vector<int64_t> out(static_cast<size_t>(length));
    for (int64_t i = length - 1; i >= 0; --i, node = parent[static_cast<size_t>(node)])
      out[static_cast<size_t>(i)] = token[static_cast<size_t>(node)];
    return out;
  }
};

template <typename T>
std::vector<std::vector<Hypothesis>> beam_search(ConditionedDecoder<T>& decoder, int64_t N, int64_t begin_token,
                                                 int64_t end_token, const DecodingOptions& options) {
  const int64_t K = options.beam, V = decoder.config().vocab_size;
  const double alpha = options.length_penalty, longest = length_penalty(options.max_length, alpha);
  std::vector<std::vector<Live>> live(static_cast<size_t>(N));
  std::vector<std::vector<Hypothesis>> finished(static_cast<size_t>(N));
  std::vector<int64_t> sources, tokens, keep, next_sources, next_tokens;
  for (int64_t n = 0; n < N; ++n) {
    live[n].push_back({-1, 0, 0.0, n});
    sources.push_back(n);
    tokens.push_back(begin_token);
  }
  std::vector<bool> banned(static_cast<size_t>(V), false);
  for (int64_t b : options.banned) banned[b] = true;
  RecurrentState<T> state = decoder.initial_state(sources), spare;
  TokenTree tree;
  Tensor<T> logits;
  std::vector<double> log_p;
  std::vector<Candidate> candidates;
  std::vector<Live> next;
  auto by_score = [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; };
  for (int64_t step = 0; step < options.max_length && !sources.empty(); ++step) {
    decoder.step(tokens, sources, state, logits);
    keep.clear();
    next_sources.clear();
    next_tokens.clear();
    for (int64_t n = 0; n < N; ++n) {
      std::vector<Live>& beams = live[n];
      if (beams.empty()) continue;
      candidates.clear();
      for (size_t i = 0; i < beams.size(); ++i) {
        log_softmax(logits.data() + beams[i].row * V, V, log_p);
        for (int64_t v = 0; v < V; ++v)
          if (!banned[v]) candidates.push_back({beams[i].log_probability + log_p[v], static_cast<int64_t>(i), v});
      }
      // Best first; ties to the earlier beam, then the lower token id (as greedy).
      const size_t take = std::min(candidates.size(), static_cast<size_t>(2 * K));
      std::partial_sort(candidates.begin(), candidates.begin() + take, candidates.end(),
                        [](const Candidate& a, const Candidate& b) {
                          if (a.log_probability != b.log_probability) return a.log_probability > b.log_probability;
                          return a.parent != b.parent ? a.parent < b.parent : a.token < b.token;
                        });
      next.clear();
      for (size_t rank = 0; rank < take && static_cast<int64_t>(next.size()) < K; ++rank) {
        const Candidate& c = candidates[rank];
        const Live& parent = beams[c.parent];
        if (c.token == end_token) {
          // An ending counts only among the K best of this step (a later one is worse than K live beams).
          if (static_cast<int64_t>(rank) < K)
            finished[n].push_back({tree.tokens(parent.node, parent.length), c.log_probability,
                                   c.log_probability / length_penalty(parent.length + 1, alpha), true});
          continue;
        }
        next.push_back({tree.add(parent.node, c.token), parent.length + 1, c.log_probability,
                        static_cast<int64_t>(next_sources.size())});
        keep.push_back(parent.row);
        next_sources.push_back(n);
        next_tokens.push_back(c.token);
      }
      beams.swap(next);
      // Done when K endings are held and no live beam can still beat the K-th.
      std::vector<Hypothesis>& done = finished[n];
      std::sort(done.begin(), done.end(), by_score);
      if (static_cast<int64_t>(done.size()) >= K) {
        done.resize(static_cast<size_t>(K));
        double best_live = -std::numeric_limits<double>::infinity();
        for (const Live& l : beams) best_live = std::max(best_live, l.log_probability);
        if (best_live / longest <= done.back().score) {
          // Drop the input's rows from the batch.
          const int64_t first = static_cast<int64_t>(next_sources.size()) - static_cast<int64_t>(beams.size());
          keep.resize(static_cast<size_t>(first));
          next_sources.resize(static_cast<size_t>(first));
          next_tokens.resize(static_cast<size_t>(first));
          beams.clear();
        }
      }
    }
    gather_state(state, keep, spare);
    sources.swap(next_sources);
    tokens.swap(next_tokens);
  }
  for (int64_t n = 0; n < N; ++n) {
    for (const Live& l : live[n])
      finished[n].push_back({tree.tokens(l.node, l.length), l.log_probability,
                             l.log_probability / length_penalty(l.length, alpha), false});
    std::stable_sort(finished[n].begin(), finished[n].end(), by_score);
    if (static_cast<int64_t>(finished[n].size()) > K) finished[n].resize(static_cast<size_t>(K));
  }
  return finished;
}

}  // namespace

template <typename T>
std::vector<std::vector<Hypothesis>> decode_sequences(ConditionedDecoder<T>& decoder, const Tensor<T>& condition,
                                                      const DecoderMemory<T>& memory, int64_t begin_token,
                                                      int64_t end_token, const DecodingOptions& options, Rng* rng) {
  options.validate();
  const int64_t N = condition.dim(0);
  if (N == 0) return {};
  decoder.begin(condition, memory);
  if (options.beam == 1) return decode_one_each(decoder, N, begin_token, end_token, options, rng);
  return beam_search(decoder, N, begin_token, end_token, options);
}

template <typename T>
std::vector<std::vector<Hypothesis>> beam_search_sequences(ConditionedDecoder<T>& decoder, const Tensor<T>& condition,
                                                           const DecoderMemory<T>& memory, int64_t begin_token,
                                                           int64_t end_token, const DecodingOptions& options) {
  options.validate();
  if (condition.dim(0) == 0) return {};
  decoder.begin(condition, memory);
  return beam_search(decoder, condition.dim(0), begin_token, end_token, options);
}

template std::vector<std::vector<Hypothesis>> decode_sequences(ConditionedDecoder<float>&, const Tensor<float>&,
                                                               const DecoderMemory<float>&, int64_t, int64_t,
                                                               const DecodingOptions&, Rng*);
template std::vector<std::vector<Hypothesis>> beam_search_sequences(ConditionedDecoder<float>&, const Tensor<float>&,
                                                                    const DecoderMemory<float>&, int64_t, int64_t,
                                                                    const DecodingOptions&);
template std::vector<std::vector<Hypothesis>> decode_sequences(ConditionedDecoder<double>&, const Tensor<double>&,
                                                               const DecoderMemory<double>&, int64_t, int64_t,
                                                               const DecodingOptions&, Rng*);

}  // namespace recur
