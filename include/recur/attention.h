// Attention of decoder states over a memory (an encoder's outputs), with exact
// gradients: `recur seq2seq --attention additive|dot`.
//
//   query   [T, R, H]   the decoder's top-layer states (T = 1 when decoding)
//   memory  [S, N, M]   lengths [N]: steps s >= lengths[n] get no weight
//   sources [R]         the memory column n each query row reads (rows of a
//                       beam share their input's memory); empty: R = N, row r reads column r
//   context [T, R, M] = sum_s a[t, r, s] memory[s, n]   with a = softmax_s(score)
//
// Scores:
//   additive (Bahdanau et al. 2015)  score = w . tanh(W_q h + W_k m + b), sizes A = H;
//                                     the query is the decoder's current state h_t
//                                     (Bahdanau's uses the previous one; Luong's placement)
//   dot (Luong et al. 2015)          score = h . (W_k m): the dot product after one
//                                     projection of the memory to H (Luong's "general";
//                                     plain "dot" is the case W_k = I, which the
//                                     differing widths of a bidirectional encoder rule out)
// Parameters: "query.weight" (additive), "key.weight", "key.bias" (additive), "score.weight" (additive).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "recur/linear.h"
#include "recur/parameter.h"
#include "recur/rng.h"
#include "recur/tensor.h"

namespace recur {

enum class AttentionKind { None, Additive, Dot };
std::string attention_name(AttentionKind kind);
AttentionKind parse_attention(const std::string& name);  // "none" | "additive" | "dot"

template <typename T>
class Attention {
 public:
  Attention(AttentionKind kind, int64_t query_size, int64_t memory_size, Rng& rng);
  AttentionKind kind() const { return kind_; }
  ParameterList<T> parameters();

  // Projects the memory (once per memory; forward and backward use it). Keeps a pointer to it.
  void set_memory(const Tensor<T>& memory, std::span<const int64_t> lengths);
  // Writes context [T, R, M]; keeps what backward needs.
  void forward(const Tensor<T>& query, std::span<const int64_t> sources, Tensor<T>& context);
  // Adds to grad_query [T, R, H] and grad_memory [S, N, M] (both sized by the caller) and the parameters.
  void backward(const Tensor<T>& grad_context, Tensor<T>& grad_query, Tensor<T>& grad_memory);

 private:
  int64_t source_of(std::span<const int64_t> sources, int64_t r) const { return sources.empty() ? r : sources[r]; }

  AttentionKind kind_;
  int64_t query_size_, memory_size_;
  Linear<T> key_;
  std::optional<Linear<T>> query_;
  Parameter<T> score_;  // [A], additive only
  const Tensor<T>* memory_ = nullptr;
  std::vector<int64_t> lengths_;
  Tensor<T> keys_;  // [S, N, A]
  // Saved by forward.
  const Tensor<T>* query_input_ = nullptr;
  std::vector<int64_t> sources_;
  Tensor<T> projected_query_;  // [T, R, A] additive
  Tensor<T> weights_;          // [T, R, S]
  Tensor<T> hidden_;           // [T, R, S, A] additive: tanh(W_q h + W_k m + b)
  Tensor<T> grad_keys_, grad_projected_, grad_part_;
};

}  // namespace recur
