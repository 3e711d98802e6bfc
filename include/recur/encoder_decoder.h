// EncoderDecoder: the model of `recur seq2seq` (many-to-many, unaligned) and
// of `recur caption` (one-to-many): something that makes the conditioning
// vector v, then a ConditionedDecoder (conditioned_decoder.h).
//
//   tokens source (seq2seq): Embedding -> dropout -> Recurrent stack, uni- or
//       bidirectional [S, B, D*H]; v = the top layer's final h of each direction,
//       joined [B, D*H]. The decoder's initial-state projection
//       h0 = tanh(W v + b) is the projection of the joined states (and of
//       the one direction's, unidirectional); with attention the decoder
//       attends over the encoder outputs [S, B, D*H].
//   vector source (caption): v is the input vector [B, C] as given (normalised
//       by the task beforehand).
//
// Parameter names: "encoder.embedding.weight", "encoder.rnn.<PyTorch name>",
// "decoder.*" (conditioned_decoder.h).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>

#include "recur/conditioned_decoder.h"
#include "recur/recurrent_init.h"
#include "recur/sequence_decoding.h"

namespace recur {

struct EncoderConfig {
  int64_t vocab_size = 0;
  int64_t embedding = 64;
  CellKind cell = CellKind::Lstm;
  int64_t hidden_size = 128;
  int64_t num_layers = 1;
  bool bidirectional = true;
  double dropout = 0.0;  // on the embedded source and between layers

  int64_t output_size() const { return hidden_size * (bidirectional ? 2 : 1); }
};

struct EncoderDecoderConfig {
  std::optional<EncoderConfig> encoder;  // empty: the source is a vector
  ConditionedDecoderConfig decoder;
  RecurrentInit init = {};  // applied to the encoder's and the decoder's stacks (recurrent_init.h)

  void validate() const;
  nlohmann::json to_json() const;
  static EncoderDecoderConfig from_json(const nlohmann::json& json);
};

// A batch, rows in the same order on both sides.
struct EncoderDecoderBatch {
  int64_t batch = 0;
  // Tokens source: [S, B] ids and B lengths. Vector source: [B, C].
  std::vector<int64_t> source_ids;
  std::vector<int64_t> source_lengths;
  Tensor<double> source_vectors;  // converted to the model's type
  // Decoder inputs [T, B] (begin token, y_1..), targets [T * B] (y_1.., end token; kIgnoredTarget past the end).
  std::vector<int64_t> target_inputs;
  std::vector<int64_t> target_lengths;
  std::vector<int64_t> targets;
};

template <typename T>
class EncoderDecoder {
 public:
  EncoderDecoder(const EncoderDecoderConfig& config, Rng& rng);

  const EncoderDecoderConfig& config() const { return config_; }
  ParameterList<T> parameters();
  ConditionedDecoder<T>& decoder() { return decoder_; }

  // Teacher forcing: logits [T * B, V]. Keeps `batch` until backward.
  const Tensor<T>& forward(const EncoderDecoderBatch& batch, bool training, Rng* rng);
  void backward(const Tensor<T>& grad_logits);

  // A copy with the same parameter values and its own workspaces (a thread's model).
  std::unique_ptr<EncoderDecoder> replica();

  // Decodes every row of the batch's source (targets unused).
  std::vector<std::vector<Hypothesis>> decode(const EncoderDecoderBatch& batch, int64_t begin_token, int64_t end_token,
                                              const DecodingOptions& options, Rng* rng);

 private:
  // v [B, C] and, for a tokens source, the encoder outputs (the memory).
  // `decoding`: nothing will go backward.
  void encode(const EncoderDecoderBatch& batch, bool training, Rng* rng, bool decoding = false);

  EncoderDecoderConfig config_;
  std::optional<Embedding<T>> embedding_;
  Dropout<T> dropout_;
  std::optional<Recurrent<T>> encoder_;
  ConditionedDecoder<T> decoder_;
  const EncoderDecoderBatch* batch_ = nullptr;
  Tensor<T> embedded_, dropped_, memory_, condition_, grad_condition_, grad_memory_, grad_embedded_;
  RecurrentState<T> initial_, final_, grad_final_, grad_initial_;
};

}  // namespace recur
