#include "recur/language_model.h"

#include <stdexcept>

#include "models/config_json.h"

namespace recur {

namespace {
RecurrentOptions recurrent_options(const LanguageModelConfig& c) {
  c.validate();
  return {.cell = c.cell, .input_size = c.embedding_size > 0 ? c.embedding_size : c.vocab_size,
          .hidden_size = c.hidden_size, .num_layers = c.num_layers, .dropout = c.dropout, .gru_reset = c.gru_reset};
}
}  // namespace

nlohmann::json LanguageModelConfig::to_json() const {
  nlohmann::json json = {{"cell", cell_name(cell)},
          {"gru_reset", gru_reset_name(gru_reset)},
          {"vocab_size", vocab_size},
          {"embedding_size", embedding_size},
          {"hidden_size", hidden_size},
          {"num_layers", num_layers},
          {"dropout", dropout}};
  init.write_json(json);
  return json;
}

LanguageModelConfig LanguageModelConfig::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("model configuration is not a JSON object");
  LanguageModelConfig c;
  c.cell = parse_cell(required<std::string>(json, "cell"));
  c.gru_reset = gru_reset_from_json(json);
  c.vocab_size = required<int64_t>(json, "vocab_size");
  c.embedding_size = required<int64_t>(json, "embedding_size");
  c.hidden_size = required<int64_t>(json, "hidden_size");
  c.num_layers = required<int64_t>(json, "num_layers");
  c.dropout = required<double>(json, "dropout");
  c.init = RecurrentInit::from_json(json);
  c.validate();
  return c;
}

void LanguageModelConfig::validate() const {
  if (vocab_size < 2) throw std::invalid_argument("vocabulary needs at least 2 symbols, got " + std::to_string(vocab_size));
  if (embedding_size < 0) throw std::invalid_argument("embedding size must be >= 0 (0 = one-hot)");
  if (hidden_size < 1) throw std::invalid_argument("hidden size must be >= 1");
  if (num_layers < 1) throw std::invalid_argument("layers must be >= 1");
  if (!(dropout >= 0 && dropout < 1)) throw std::invalid_argument("dropout must be in [0, 1)");
}

LanguageModel::LanguageModel(const LanguageModelConfig& config, Rng& rng)
    : config_(config),
      rnn_(recurrent_options(config), rng),
      output_dropout_(config.dropout),
      decoder_(config.hidden_size, config.vocab_size, rng) {
  if (config.embedding_size > 0) embedding_.emplace(config.vocab_size, config.embedding_size, rng);
  // Names as the PyTorch module in docs/checkpoint-format.md has them.
  if (embedding_) prefix_names(embedding_->parameters(), std::string("embedding"));
  prefix_names(rnn_.parameters(), std::string("rnn"));
  prefix_names(decoder_.parameters(), std::string("decoder"));
  initialise_recurrent(rnn_, config.init, rng);
}

ParameterList<float> LanguageModel::parameters() {
  ParameterList<float> list;
  if (embedding_)
    append_parameters(list, embedding_->parameters());
  append_parameters(list, rnn_.parameters());
  append_parameters(list, decoder_.parameters());
  return list;
}

void LanguageModel::embed(std::span<const int64_t> inputs, int64_t steps, int64_t batch) {
  const int64_t V = config_.vocab_size;
  if (embedding_) {
    embedding_->forward(inputs, embedded_);
    embedded_.reshape({steps, batch, config_.embedding_size});
    return;
  }
  embedded_.resize({steps, batch, V});
  embedded_.zero();
  for (int64_t i = 0; i < steps * batch; ++i) {
    if (inputs[i] < 0 || inputs[i] >= V)
      throw std::out_of_range("token id " + std::to_string(inputs[i]) + " is outside the vocabulary of " +
                              std::to_string(V));
    embedded_[i * V + inputs[i]] = 1.0f;
  }
}

CrossEntropyResult<float> LanguageModel::forward(std::span<const int64_t> inputs, std::span<const int64_t> targets,
                                                 int64_t steps, int64_t batch, RecurrentState<float>& state,
                                                 bool training, Rng* rng) {
  if (static_cast<int64_t>(inputs.size()) != steps * batch || static_cast<int64_t>(targets.size()) != steps * batch)
    throw std::invalid_argument("language model needs steps * batch inputs and targets");
  embed(inputs, steps, batch);
  // The carried state becomes this chunk's constant initial state.
  initial_.h = state.h;
  initial_.c = state.c;
  rnn_.forward(embedded_, initial_, {}, rnn_output_, state, training, rng);
  output_dropout_.forward(rnn_output_, dropped_, training, rng);
  dropped_.reshape({steps * batch, config_.hidden_size});
  decoder_.forward(dropped_, logits_);
  return softmax_cross_entropy<float>(logits_, targets, &grad_logits_);
}

void LanguageModel::backward() {
  decoder_.backward(grad_logits_, grad_hidden_);
  grad_hidden_.reshape(rnn_output_.shape());
  output_dropout_.backward(grad_hidden_, grad_hidden_);
  rnn_.backward(grad_hidden_, {}, grad_embedded_, grad_initial_);
  if (embedding_) {
    grad_embedded_.reshape({grad_embedded_.dim(0) * grad_embedded_.dim(1), config_.embedding_size});
    embedding_->backward(grad_embedded_);
  }
}

}  // namespace recur
