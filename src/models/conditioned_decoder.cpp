#include "recur/conditioned_decoder.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "recur/cell.h"
#include "recur/gemm.h"
#include "recur/option_error.h"

namespace recur {

std::string conditioning_name(Conditioning conditioning) {
  switch (conditioning) {
    case Conditioning::InitialState: return "initial";
    case Conditioning::EveryStep: return "every-step";
    case Conditioning::Both: return "both";
  }
  return "initial";
}

Conditioning parse_conditioning(const std::string& name) {
  for (Conditioning c : {Conditioning::InitialState, Conditioning::EveryStep, Conditioning::Both})
    if (conditioning_name(c) == name) return c;
  throw OptionError("conditioning", "conditioning must be initial, every-step or both, got '" + name + "'");
}

void ConditionedDecoderConfig::validate() const {
  if (vocab_size < 2) throw OptionError("vocab_size", "the target vocabulary needs at least 2 tokens");
  if (embedding < 1) throw OptionError("embedding", "embedding size must be >= 1");
  if (condition_size < 1) throw OptionError("condition_size", "the conditioning vector needs a width >= 1");
  if (hidden_size < 1) throw OptionError("hidden_size", "hidden size must be >= 1");
  if (num_layers < 1) throw OptionError("num_layers", "layers must be >= 1");
  if (!(dropout >= 0 && dropout < 1)) throw OptionError("dropout", "dropout must be in [0, 1)");
  if (attention != AttentionKind::None && memory_size < 1)
    throw OptionError("attention", "attention needs a memory (an encoder) to attend over");
}

nlohmann::json ConditionedDecoderConfig::to_json() const {
  return {{"vocab_size", vocab_size},     {"embedding", embedding},   {"condition_size", condition_size},
          {"cell", cell_name(cell)},      {"hidden_size", hidden_size}, {"num_layers", num_layers},
          {"conditioning", conditioning_name(conditioning)},          {"dropout", dropout},
          {"attention", attention_name(attention)},                    {"memory_size", memory_size}};
}

ConditionedDecoderConfig ConditionedDecoderConfig::from_json(const nlohmann::json& j) {
  ConditionedDecoderConfig c;
  c.vocab_size = j.at("vocab_size").get<int64_t>();
  c.embedding = j.at("embedding").get<int64_t>();
  c.condition_size = j.at("condition_size").get<int64_t>();
  c.cell = parse_cell(j.at("cell").get<std::string>());
  c.hidden_size = j.at("hidden_size").get<int64_t>();
  c.num_layers = j.at("num_layers").get<int64_t>();
  c.conditioning = parse_conditioning(j.at("conditioning").get<std::string>());
  c.dropout = j.at("dropout").get<double>();
  c.attention = parse_attention(j.at("attention").get<std::string>());
  c.memory_size = j.at("memory_size").get<int64_t>();
  c.validate();
  return c;
}

namespace {
RecurrentOptions decoder_rnn_options(const ConditionedDecoderConfig& c) {
  c.validate();
  return {.cell = c.cell,
          .input_size = c.embedding + (c.every_step() ? c.condition_size : 0),
          .hidden_size = c.hidden_size,
          .num_layers = c.num_layers,
          .dropout = c.dropout};
}
}  // namespace

template <typename T>
ConditionedDecoder<T>::ConditionedDecoder(const ConditionedDecoderConfig& config, Rng& rng)
    : config_(config),
      embedding_(config.vocab_size, config.embedding, rng),
      rnn_(decoder_rnn_options(config), rng),
      dropout_(config.dropout),
      output_(config.hidden_size + (config.attention != AttentionKind::None ? config.memory_size : 0),
              config.vocab_size, rng) {
  const int64_t LH = config.num_layers * config.hidden_size;
  if (config.initial()) {
    init_h_.emplace(config.condition_size, LH, rng);
    prefix_names(init_h_->parameters(), "init_h");
    if (cell_info(config.cell).cell_state) {
      init_c_.emplace(config.condition_size, LH, rng);
      prefix_names(init_c_->parameters(), "init_c");
    }
  }
  if (config.attention != AttentionKind::None) {
    attention_.emplace(config.attention, config.hidden_size, config.memory_size, rng);
    prefix_names(attention_->parameters(), "attention");
  }
  prefix_names(embedding_.parameters(), "embedding");
  prefix_names(rnn_.parameters(), "rnn");
  prefix_names(output_.parameters(), "output");
}

template <typename T>
ParameterList<T> ConditionedDecoder<T>::parameters() {
  ParameterList<T> list = embedding_.parameters();
  if (init_h_) append_parameters(list, init_h_->parameters());
  if (init_c_) append_parameters(list, init_c_->parameters());
  append_parameters(list, rnn_.parameters());
  if (attention_) append_parameters(list, attention_->parameters());
  append_parameters(list, output_.parameters());
  return list;
}

// pre [B, L*H] -> state [L, B, H] = tanh(pre), the layout Recurrent takes.
template <typename T>
void ConditionedDecoder<T>::project_initial(const Tensor<T>& pre, Tensor<T>& state) const {
  const int64_t B = pre.dim(0), L = config_.num_layers, H = config_.hidden_size;
  state.resize({L, B, H});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t l = 0; l < L; ++l)
      for (int64_t j = 0; j < H; ++j) state[(l * B + b) * H + j] = std::tanh(pre[b * L * H + l * H + j]);
}

// Writes [R, E (+ C)]: each row's embedded token, then (every step) its condition.
template <typename T>
static void join_condition(const Tensor<T>& embedded, const Tensor<T>& condition, std::span<const int64_t> sources,
                           int64_t period, Tensor<T>& joined) {
  const int64_t R = embedded.dim(0), E = embedded.dim(1), C = condition.dim(1);
  joined.resize({R, E + C});
  for (int64_t r = 0; r < R; ++r) {
    const int64_t b = sources.empty() ? r % period : sources[r];
    std::memcpy(joined.data() + r * (E + C), embedded.data() + r * E, sizeof(T) * E);
    std::memcpy(joined.data() + r * (E + C) + E, condition.data() + b * C, sizeof(T) * C);
  }
}

template <typename T>
const Tensor<T>& ConditionedDecoder<T>::forward(std::span<const int64_t> inputs, std::span<const int64_t> lengths,
                                                const Tensor<T>& condition, const DecoderMemory<T>& memory,
                                                bool training, Rng* rng) {
  const int64_t B = static_cast<int64_t>(lengths.size()), C = config_.condition_size, H = config_.hidden_size;
  if (B == 0 || static_cast<int64_t>(inputs.size()) % B != 0)
    throw std::invalid_argument("decoder inputs must be [T, B] with B lengths");
  if (condition.rank() != 2 || condition.dim(0) != B || condition.dim(1) != C)
    throw std::invalid_argument("decoder condition must be [" + std::to_string(B) + ", " + std::to_string(C) +
                                "], got " + shape_string(condition.shape()));
  steps_ = static_cast<int64_t>(inputs.size()) / B;
  batch_ = B;
  condition_ = condition;
  embedding_.forward(inputs, embedded_);
  const Tensor<T>* x = &embedded_;
  if (config_.every_step()) {
    join_condition(embedded_, condition_, {}, B, rnn_input_);
    x = &rnn_input_;
  }
  Tensor<T> shaped = *x;  // [T, B, I] view for the engine
  shaped.reshape({steps_, B, x->dim(1)});
  rnn_input_ = std::move(shaped);
  initial_ = {};
  if (init_h_) {
    init_h_->forward(condition_, pre_h_);
    project_initial(pre_h_, initial_.h);
    if (init_c_) {
      init_c_->forward(condition_, pre_c_);
      project_initial(pre_c_, initial_.c);
    }
  }
  rnn_.forward(rnn_input_, initial_, lengths, rnn_output_, final_, training, rng);
  const Tensor<T>* features = &rnn_output_;
  if (attention_) {
    if (memory.values == nullptr) throw std::invalid_argument("the decoder has attention but was given no memory");
    attention_->set_memory(*memory.values, memory.lengths);
    attention_->forward(rnn_output_, {}, context_);
    const int64_t M = config_.memory_size, rows = steps_ * B;
    features_.resize({steps_, B, H + M});
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(features_.data() + r * (H + M), rnn_output_.data() + r * H, sizeof(T) * H);
      std::memcpy(features_.data() + r * (H + M) + H, context_.data() + r * M, sizeof(T) * M);
    }
    features = &features_;
  }
  dropout_.forward(*features, dropped_, training, rng);
  dropped_.reshape({steps_ * B, features->dim(2)});
  output_.forward(dropped_, logits_);
  return logits_;
}

template <typename T>
void ConditionedDecoder<T>::backward(const Tensor<T>& grad_logits, Tensor<T>& grad_condition, Tensor<T>* grad_memory) {
  const int64_t B = batch_, C = config_.condition_size, H = config_.hidden_size, L = config_.num_layers,
                E = config_.embedding, rows = steps_ * B;
  output_.backward(grad_logits, grad_features_);
  dropout_.backward(grad_features_, grad_features_);
  if (attention_) {
    const int64_t M = config_.memory_size;
    grad_hidden_.resize({steps_, B, H});
    grad_context_.resize({steps_, B, M});
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(grad_hidden_.data() + r * H, grad_features_.data() + r * (H + M), sizeof(T) * H);
      std::memcpy(grad_context_.data() + r * M, grad_features_.data() + r * (H + M) + H, sizeof(T) * M);
    }
    if (grad_memory == nullptr) throw std::invalid_argument("the decoder has attention: backward needs grad_memory");
    attention_->backward(grad_context_, grad_hidden_, *grad_memory);
  } else {
    grad_hidden_ = grad_features_;
    grad_hidden_.reshape({steps_, B, H});
  }
  rnn_.backward(grad_hidden_, {}, grad_input_, grad_initial_);
  grad_condition.resize({B, C});
  grad_condition.zero();
  const int64_t I = grad_input_.dim(2);
  if (config_.every_step()) {
    grad_embedded_.resize({rows, E});
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(grad_embedded_.data() + r * E, grad_input_.data() + r * I, sizeof(T) * E);
      const T* g = grad_input_.data() + r * I + E;
      T* gc = grad_condition.data() + (r % B) * C;
      for (int64_t j = 0; j < C; ++j) gc[j] += g[j];
    }
    embedding_.backward(grad_embedded_);
  } else {
    grad_input_.reshape({rows, E});
    embedding_.backward(grad_input_);
  }
  // Through tanh and the initial projections.
  auto through_initial = [&](Linear<T>& layer, const Tensor<T>& state, const Tensor<T>& grad_state) {
    grad_pre_.resize({B, L * H});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t l = 0; l < L; ++l)
        for (int64_t j = 0; j < H; ++j) {
          const T s = state[(l * B + b) * H + j];
          grad_pre_[b * L * H + l * H + j] = grad_state.empty() ? T(0) : grad_state[(l * B + b) * H + j] * (1 - s * s);
        }
    layer.backward(grad_pre_, grad_part_);
    for (int64_t i = 0; i < grad_condition.numel(); ++i) grad_condition[i] += grad_part_[i];
  };
  if (init_h_) through_initial(*init_h_, initial_.h, grad_initial_.h);
  if (init_c_) through_initial(*init_c_, initial_.c, grad_initial_.c);
}

template <typename T>
void ConditionedDecoder<T>::begin(const Tensor<T>& condition, const DecoderMemory<T>& memory) {
  if (condition.rank() != 2 || condition.dim(1) != config_.condition_size)
    throw std::invalid_argument("decoder condition must be [N, " + std::to_string(config_.condition_size) + "], got " +
                                shape_string(condition.shape()));
  if (!stepper_) stepper_ = std::make_unique<RecurrentStepper<T>>(rnn_);
  step_condition_ = condition;
  // Without v in the input, layer 0's input projection is a function of the
  // token alone: project the whole embedding table once (as the language
  // model's generator does) and each step gathers rows instead of a GEMM
  // (only for a vocabulary small beside the N inputs: a step projects at least
  // N rows, and a decoding takes several steps).
  token_table_ = Tensor<T>();
  if (!config_.every_step() && config_.vocab_size <= 8 * condition.dim(0)) {
    const Tensor<T>& table = embedding_.parameters()[0]->value;
    token_table_.resize({config_.vocab_size, gate_count(config_.cell) * config_.hidden_size});
    stepper_->project_input(table.data(), config_.vocab_size, token_table_.data());
  }
  if (attention_) {
    if (memory.values == nullptr) throw std::invalid_argument("the decoder has attention but was given no memory");
    step_memory_ = *memory.values;
    step_memory_lengths_.assign(memory.lengths.begin(), memory.lengths.end());
    attention_->set_memory(step_memory_, step_memory_lengths_);
  }
}

template <typename T>
RecurrentState<T> ConditionedDecoder<T>::initial_state(std::span<const int64_t> sources) {
  const int64_t R = static_cast<int64_t>(sources.size()), C = config_.condition_size;
  RecurrentState<T> state = stepper_->initial_state(R);
  if (!init_h_) return state;
  Tensor<T> rows({R, C}), pre;
  for (int64_t r = 0; r < R; ++r)
    std::memcpy(rows.data() + r * C, step_condition_.data() + sources[r] * C, sizeof(T) * C);
  init_h_->forward(rows, pre);
  project_initial(pre, state.h);
  if (init_c_) {
    init_c_->forward(rows, pre);
    project_initial(pre, state.c);
  }
  return state;
}

template <typename T>
void ConditionedDecoder<T>::step(std::span<const int64_t> tokens, std::span<const int64_t> sources,
                                 RecurrentState<T>& state, Tensor<T>& logits) {
  const int64_t R = static_cast<int64_t>(tokens.size()), H = config_.hidden_size;
  const T* h = nullptr;
  if (!token_table_.empty()) {
    h = stepper_->step_table(token_table_.data(), config_.vocab_size, tokens, state);
  } else {
    embedding_.forward(tokens, step_embedded_);
    const Tensor<T>* x = &step_embedded_;
    if (config_.every_step()) {
      join_condition(step_embedded_, step_condition_, sources, 1, step_input_);
      x = &step_input_;
    }
    h = stepper_->step(x->data(), R, state);
  }
  if (attention_) {
    const int64_t M = config_.memory_size;
    step_hidden_.resize({1, R, H});
    std::memcpy(step_hidden_.data(), h, sizeof(T) * R * H);
    attention_->forward(step_hidden_, sources, step_context_);
    step_features_.resize({R, H + M});
    for (int64_t r = 0; r < R; ++r) {
      std::memcpy(step_features_.data() + r * (H + M), h + r * H, sizeof(T) * H);
      std::memcpy(step_features_.data() + r * (H + M) + H, step_context_.data() + r * M, sizeof(T) * M);
    }
  } else {
    step_features_.resize({R, H});
    std::memcpy(step_features_.data(), h, sizeof(T) * R * H);
  }
  output_.forward(step_features_, logits);
}

template class ConditionedDecoder<float>;
template class ConditionedDecoder<double>;

}  // namespace recur
