// LanguageModel: the char-rnn model. Tokens -> embedding (or one-hot) ->
// recurrent stack -> dropout -> linear decoder -> softmax cross-entropy.
//
// Checkpoint names: "embedding.weight" (absent for one-hot), "rnn.<PyTorch
// name>", "decoder.weight", "decoder.bias" — the state_dict of the PyTorch
// module in docs/checkpoint-format.md.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>

#include "recur/dropout.h"
#include "recur/embedding.h"
#include "recur/linear.h"
#include "recur/loss.h"
#include "recur/recurrent.h"
#include "recur/recurrent_init.h"

namespace recur {

struct LanguageModelConfig {
  CellKind cell = CellKind::Lstm;
  GruReset gru_reset = GruReset::AfterProduct;
  int64_t vocab_size = 0;
  int64_t embedding_size = 0;  // 0: one-hot input (the recurrent input size is vocab_size)
  int64_t hidden_size = 128;
  int64_t num_layers = 2;
  double dropout = 0.0;  // between recurrent layers and before the decoder
  RecurrentInit init = {};  // applied to the stack on construction (recurrent_init.h)

  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming a missing or bad key.
  static LanguageModelConfig from_json(const nlohmann::json& json);
  void validate() const;
};

class LanguageModel {
 public:
  LanguageModel(const LanguageModelConfig& config, Rng& rng);

  const LanguageModelConfig& config() const { return config_; }
  ParameterList<float> parameters();
  Recurrent<float>& recurrent() { return rnn_; }
  Linear<float>& decoder() { return decoder_; }
  // null for one-hot input
  Embedding<float>* embedding() { return embedding_ ? &*embedding_ : nullptr; }

  // inputs and targets are [steps, batch] time-major token ids. `state` is the
  // carried hidden state: read as h0/c0 (empty = zeros) and overwritten with
  // the final state. Keeps what backward needs.
  CrossEntropyResult<float> forward(std::span<const int64_t> inputs, std::span<const int64_t> targets,
                                    int64_t steps, int64_t batch, RecurrentState<float>& state, bool training,
                                    Rng* rng);
  // Adds d(mean loss of the last forward)/d(parameters) to the gradients. The
  // carried state is treated as a constant (truncated BPTT).
  void backward();

 private:
  void embed(std::span<const int64_t> inputs, int64_t steps, int64_t batch);

  LanguageModelConfig config_;
  std::optional<Embedding<float>> embedding_;
  Recurrent<float> rnn_;
  Dropout<float> output_dropout_;
  Linear<float> decoder_;

  Tensor<float> embedded_, rnn_output_, dropped_, logits_, grad_logits_, grad_hidden_, grad_embedded_;
  RecurrentState<float> initial_, grad_initial_;
};

}  // namespace recur
