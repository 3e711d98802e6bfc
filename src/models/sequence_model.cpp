#include "recur/sequence_model.h"

#include <stdexcept>

#include "recur/option_error.h"

namespace recur {

namespace {
RecurrentOptions recurrent_options(const SequenceModelConfig& c) {
  c.validate();
  const int64_t X = c.input.output_size();
  const bool projected = needs_hidden_width_projection(c.cell, X, c.hidden_size);
  return {.cell = c.cell, .input_size = projected ? c.hidden_size : X, .hidden_size = c.hidden_size,
          .num_layers = c.num_layers, .bidirectional = c.bidirectional, .dropout = c.dropout};
}
}  // namespace

void SequenceModelConfig::validate() const {
  input.validate();
  if (hidden_size < 1) throw OptionError("hidden_size", "hidden size must be >= 1");
  if (num_layers < 1) throw OptionError("num_layers", "layers must be >= 1");
  if (!(dropout >= 0 && dropout < 1)) throw OptionError("dropout", "dropout must be in [0, 1)");
  // A labeler needs 2 classes (sequence_labeler.cpp says so with the file); a regression head has 1 output.
  if (classes < 1) throw OptionError("classes", "the model needs at least 1 output");
}

nlohmann::json SequenceModelConfig::to_json() const {
  nlohmann::json json = {{"input", input.to_json()},
          {"cell", cell_name(cell)},
          {"hidden_size", hidden_size},
          {"num_layers", num_layers},
          {"bidirectional", bidirectional},
          {"dropout", dropout},
          {"pooling", pooling ? nlohmann::json(pooling_name(*pooling)) : nlohmann::json()},
          {"classes", classes}};
  init.write_json(json);
  return json;
}

SequenceModelConfig SequenceModelConfig::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("model configuration is not a JSON object");
  SequenceModelConfig c;
  try {
    c.input = SequenceInputConfig::from_json(json.at("input"));
    c.cell = parse_cell(json.at("cell").get<std::string>());
    c.hidden_size = json.at("hidden_size").get<int64_t>();
    c.num_layers = json.at("num_layers").get<int64_t>();
    c.bidirectional = json.at("bidirectional").get<bool>();
    c.dropout = json.at("dropout").get<double>();
    if (!json.at("pooling").is_null()) c.pooling = parse_pooling(json.at("pooling").get<std::string>());
    c.classes = json.at("classes").get<int64_t>();
    c.init = RecurrentInit::from_json(json);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("model configuration is incomplete: ") + e.what());
  }
  c.validate();
  return c;
}

template <typename T>
SequenceModel<T>::SequenceModel(const SequenceModelConfig& config, Rng& rng)
    : config_(config),
      input_(config.input, rng),
      input_dropout_(config.dropout),
      projection_(config.cell, config.input.output_size(), config.hidden_size, rng),
      rnn_(recurrent_options(config), rng),
      output_dropout_(config.dropout),
      classifier_(config.hidden_size * (config.bidirectional ? 2 : 1), config.classes, rng) {
  if (config.pooling) pooling_.emplace(*config.pooling, config.bidirectional ? 2 : 1);
  prefix_names(input_.parameters(), "input");
  prefix_names(projection_.parameters(), "projection");
  prefix_names(rnn_.parameters(), "rnn");
  prefix_names(classifier_.parameters(), "classifier");
  initialise_recurrent(rnn_, config.init, rng);
}

template <typename T>
ParameterList<T> SequenceModel<T>::parameters() {
  ParameterList<T> list = input_.parameters();
  append_parameters(list, projection_.parameters());
  append_parameters(list, rnn_.parameters());
  append_parameters(list, classifier_.parameters());
  return list;
}

template <typename T>
const Tensor<T>& SequenceModel<T>::forward(const SequenceBatch& batch, bool training, Rng* rng) {
  const BatchLayout& layout = batch.layout;
  input_.forward(batch, inputs_, training, rng);
  input_dropout_.forward(inputs_, dropped_inputs_, training, rng);
  rnn_.forward(projection_.forward(dropped_inputs_), initial_, layout.lengths, rnn_output_, final_, training, rng);
  const Tensor<T>* features = &rnn_output_;
  if (pooling_) {
    pooling_->forward(rnn_output_, layout.lengths, features_);
    features = &features_;
  }
  output_dropout_.forward(*features, dropped_features_, training, rng);
  // Per step: every (t, b) is a row of the classifier.
  if (!pooling_) dropped_features_.reshape({layout.steps * layout.batch, rnn_output_.dim(2)});
  classifier_.forward(dropped_features_, logits_);
  return logits_;
}

template <typename T>
void SequenceModel<T>::backward(const Tensor<T>& grad_logits) {
  classifier_.backward(grad_logits, grad_features_);
  output_dropout_.backward(grad_features_, grad_features_);
  if (pooling_) {
    pooling_->backward(grad_features_, grad_rnn_output_);
    rnn_.backward(grad_rnn_output_, {}, grad_inputs_, grad_initial_);
  } else {
    grad_features_.reshape(rnn_output_.shape());
    rnn_.backward(grad_features_, {}, grad_inputs_, grad_initial_);
  }
  input_dropout_.backward(projection_.backward(grad_inputs_), grad_inputs_);
  input_.backward(grad_inputs_);
}

template class SequenceModel<float>;
template class SequenceModel<double>;

}  // namespace recur
