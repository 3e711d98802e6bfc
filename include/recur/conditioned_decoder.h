// ConditionedDecoder: a recurrent language model over target tokens that is
// conditioned on a vector v per sequence: the decoder of `recur caption`
// (v = the image's features) and of `recur seq2seq` (v = the encoder's final
// states). Both commands share it, and share its decoding (sequence_decoding.h).
//
//   inputs  [T, B] token ids (begin token, y_1 .. y_{n-1}), lengths [B]
//   v       [B, C]
//   logits  [T * B, V] time-major (row t * B + b predicts y_{t+1}, or the end token)
//
// Conditioning (the lectures' two ways, or both):
//   initial state  h0 = tanh(W_h v + b_h) for every layer (one Linear to L*H),
//                  and c0 = tanh(W_c v + b_c) likewise for an LSTM;
//   every step     v is concatenated to each step's embedded input, so layer
//                  0's input projection is W_xh x_t + W_ih v: exactly the
//                  formula h_t = tanh(W_xh x_t + W_hh h_{t-1} + W_ih v), and
//                  for an LSTM or GRU v enters every gate (its columns of
//                  weight_ih_l0 are the per-gate W_ih).
//
// Optional attention (attention.h) over a memory [S, B, M] (the encoder's
// outputs): the top layer's h_t attends over the memory and the output layer
// reads [h_t ; context_t] (Luong's placement: after the recurrence, without
// feeding the context back, so teacher forcing stays one pass of the engine).
//
// Parameter names: "embedding.weight", "init_h.*", "init_c.*", "rnn.<PyTorch
// name>", "attention.*", "output.weight", "output.bias" (a model prefixes them
// again, e.g. "decoder.").
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>

#include "recur/attention.h"
#include "recur/dropout.h"
#include "recur/embedding.h"
#include "recur/linear.h"
#include "recur/recurrent.h"
#include "recur/recurrent_stepper.h"

namespace recur {

enum class Conditioning { InitialState, EveryStep, Both };
std::string conditioning_name(Conditioning conditioning);
Conditioning parse_conditioning(const std::string& name);  // "initial" | "every-step" | "both"

struct ConditionedDecoderConfig {
  int64_t vocab_size = 0;
  int64_t embedding = 64;
  int64_t condition_size = 0;  // C, the width of v
  CellKind cell = CellKind::Lstm;
  int64_t hidden_size = 128;
  int64_t num_layers = 1;
  Conditioning conditioning = Conditioning::InitialState;
  double dropout = 0.0;  // between layers and before the output layer, in training
  AttentionKind attention = AttentionKind::None;
  int64_t memory_size = 0;  // M, with attention

  bool initial() const { return conditioning != Conditioning::EveryStep; }
  bool every_step() const { return conditioning != Conditioning::InitialState; }
  // Throws OptionError naming the option.
  void validate() const;
  nlohmann::json to_json() const;
  static ConditionedDecoderConfig from_json(const nlohmann::json& json);
};

// What attention reads: the encoder's outputs and how many of them are valid.
template <typename T>
struct DecoderMemory {
  const Tensor<T>* values = nullptr;  // [S, N, M]
  std::span<const int64_t> lengths;   // [N], each in [1, S]
};

template <typename T>
class ConditionedDecoder {
 public:
  ConditionedDecoder(const ConditionedDecoderConfig& config, Rng& rng);

  const ConditionedDecoderConfig& config() const { return config_; }
  ParameterList<T> parameters();
  Recurrent<T>& recurrent() { return rnn_; }  // its stack, e.g. for initialise_recurrent

  // Teacher forcing. `memory` only with attention (it must outlive backward).
  const Tensor<T>& forward(std::span<const int64_t> inputs, std::span<const int64_t> lengths,
                           const Tensor<T>& condition, const DecoderMemory<T>& memory, bool training, Rng* rng);
  // Adds to the parameter gradients; writes grad_condition [B, C] and, with
  // attention, grad_memory [S, B, M].
  void backward(const Tensor<T>& grad_logits, Tensor<T>& grad_condition, Tensor<T>* grad_memory = nullptr);

  // ---- step by step, for decoding (no dropout, nothing saved for backward) ----
  // Fixes the N conditions (and memory) that rows refer to.
  void begin(const Tensor<T>& condition, const DecoderMemory<T>& memory);
  // The initial state of rows whose input is sources[r] (an index into begin's N).
  RecurrentState<T> initial_state(std::span<const int64_t> sources);
  // Feeds tokens[r] to each row and writes the next token's logits [R, V].
  void step(std::span<const int64_t> tokens, std::span<const int64_t> sources, RecurrentState<T>& state,
            Tensor<T>& logits);

 private:
  void project_initial(const Tensor<T>& pre, Tensor<T>& state) const;

  ConditionedDecoderConfig config_;
  Embedding<T> embedding_;
  std::optional<Linear<T>> init_h_, init_c_;
  Recurrent<T> rnn_;
  std::optional<Attention<T>> attention_;
  Dropout<T> dropout_;
  Linear<T> output_;
  // Teacher forcing: saved for backward.
  int64_t steps_ = 0, batch_ = 0;
  Tensor<T> condition_, embedded_, rnn_input_, pre_h_, pre_c_, rnn_output_, context_, features_, dropped_, logits_;
  RecurrentState<T> initial_, final_, grad_initial_;
  Tensor<T> grad_features_, grad_hidden_, grad_context_, grad_input_, grad_embedded_, grad_pre_, grad_part_;
  // Decoding.
  std::unique_ptr<RecurrentStepper<T>> stepper_;
  Tensor<T> step_condition_, step_embedded_, step_input_, step_hidden_, step_features_, step_context_;
  Tensor<T> token_table_;  // [V, G*H] layer 0's projection of every token (no every-step v), from begin()
  Tensor<T> step_memory_;  // memory of begin(), as given
  std::vector<int64_t> step_memory_lengths_;
};

}  // namespace recur
