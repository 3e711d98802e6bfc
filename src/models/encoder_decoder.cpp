#include "recur/encoder_decoder.h"

#include <cstring>
#include <stdexcept>

#include "recur/option_error.h"

namespace recur {

void EncoderDecoderConfig::validate() const {
  if (encoder) {
    const EncoderConfig& e = *encoder;
    if (e.vocab_size < 2) throw OptionError("source_vocab_size", "the source vocabulary needs at least 2 tokens");
    if (e.embedding < 1) throw OptionError("embedding", "embedding size must be >= 1");
    if (e.hidden_size < 1) throw OptionError("hidden_size", "hidden size must be >= 1");
    if (e.num_layers < 1) throw OptionError("num_layers", "layers must be >= 1");
    if (!(e.dropout >= 0 && e.dropout < 1)) throw OptionError("dropout", "dropout must be in [0, 1)");
    if (decoder.condition_size != e.output_size())
      throw std::invalid_argument("the decoder's condition size must be the encoder's output size");
    if (decoder.attention != AttentionKind::None && decoder.memory_size != e.output_size())
      throw std::invalid_argument("the decoder's memory size must be the encoder's output size");
  } else if (decoder.attention != AttentionKind::None) {
    throw OptionError("attention", "attention needs an encoder (a sequence source)");
  }
  decoder.validate();
}

nlohmann::json EncoderDecoderConfig::to_json() const {
  nlohmann::json j = {{"decoder", decoder.to_json()}, {"encoder", nullptr}};
  if (encoder)
    j["encoder"] = {{"vocab_size", encoder->vocab_size},   {"embedding", encoder->embedding},
                    {"cell", cell_name(encoder->cell)},     {"hidden_size", encoder->hidden_size},
                    {"num_layers", encoder->num_layers},    {"bidirectional", encoder->bidirectional},
                    {"dropout", encoder->dropout}};
  init.write_json(j);
  return j;
}

EncoderDecoderConfig EncoderDecoderConfig::from_json(const nlohmann::json& j) {
  EncoderDecoderConfig c;
  c.decoder = ConditionedDecoderConfig::from_json(j.at("decoder"));
  c.init = RecurrentInit::from_json(j);
  if (!j.at("encoder").is_null()) {
    const nlohmann::json& e = j.at("encoder");
    c.encoder = EncoderConfig{.vocab_size = e.at("vocab_size").get<int64_t>(),
                              .embedding = e.at("embedding").get<int64_t>(),
                              .cell = parse_cell(e.at("cell").get<std::string>()),
                              .hidden_size = e.at("hidden_size").get<int64_t>(),
                              .num_layers = e.at("num_layers").get<int64_t>(),
                              .bidirectional = e.at("bidirectional").get<bool>(),
                              .dropout = e.at("dropout").get<double>()};
  }
  c.validate();
  return c;
}

namespace {
const EncoderDecoderConfig& validated(const EncoderDecoderConfig& c) {
  c.validate();
  return c;
}
}  // namespace

template <typename T>
EncoderDecoder<T>::EncoderDecoder(const EncoderDecoderConfig& config, Rng& rng)
    : config_(validated(config)),
      dropout_(config.encoder ? config.encoder->dropout : 0.0),
      decoder_(config.decoder, rng) {
  if (const auto& e = config.encoder) {
    embedding_.emplace(e->vocab_size, e->embedding, rng);
    encoder_.emplace(RecurrentOptions{.cell = e->cell, .input_size = e->embedding, .hidden_size = e->hidden_size,
                                      .num_layers = e->num_layers, .bidirectional = e->bidirectional,
                                      .dropout = e->dropout},
                     rng);
    initialise_recurrent(*encoder_, config.init, rng);
    prefix_names(embedding_->parameters(), "encoder.embedding");
    prefix_names(encoder_->parameters(), "encoder.rnn");
  }
  initialise_recurrent(decoder_.recurrent(), config.init, rng);
  prefix_names(decoder_.parameters(), "decoder");
}

template <typename T>
ParameterList<T> EncoderDecoder<T>::parameters() {
  ParameterList<T> list;
  if (embedding_) append_parameters(list, embedding_->parameters());
  if (encoder_) append_parameters(list, encoder_->parameters());
  append_parameters(list, decoder_.parameters());
  return list;
}

template <typename T>
void EncoderDecoder<T>::encode(const EncoderDecoderBatch& batch, bool training, Rng* rng, bool decoding) {
  const int64_t B = batch.batch;
  if (!encoder_) {
    condition_ = tensor_cast<T>(batch.source_vectors);
    return;
  }
  const EncoderConfig& e = *config_.encoder;
  const int64_t S = static_cast<int64_t>(batch.source_ids.size()) / B, D = e.bidirectional ? 2 : 1,
                H = e.hidden_size, L = e.num_layers;
  if (decoding && e.vocab_size <= S * B) {
    // Nothing for backward and no dropout: each source token's layer-0
    // projection is a row of a table of the vocabulary's, made once per batch
    // (no more work than projecting the batch's S * B tokens), not a GEMM per step.
    const std::vector<Tensor<T>> tables = encoder_->project_layer0(embedding_->parameters()[0]->value);
    encoder_->forward_tokens(tables, batch.source_ids, S, initial_, batch.source_lengths, memory_, final_);
  } else {
    embedding_->forward(batch.source_ids, embedded_);
    embedded_.reshape({S, B, e.embedding});
    dropout_.forward(embedded_, dropped_, training, rng);
    encoder_->forward(dropped_, initial_, batch.source_lengths, memory_, final_, training, rng);
  }
  // v = the top layer's final h of each direction, side by side.
  condition_.resize({B, D * H});
  for (int64_t d = 0; d < D; ++d)
    for (int64_t b = 0; b < B; ++b)
      std::memcpy(condition_.data() + b * D * H + d * H, final_.h.data() + (((L - 1) * D + d) * B + b) * H,
                  sizeof(T) * H);
}

template <typename T>
const Tensor<T>& EncoderDecoder<T>::forward(const EncoderDecoderBatch& batch, bool training, Rng* rng) {
  batch_ = &batch;
  encode(batch, training, rng);
  const DecoderMemory<T> memory{encoder_ ? &memory_ : nullptr, batch.source_lengths};
  return decoder_.forward(batch.target_inputs, batch.target_lengths, condition_, memory, training, rng);
}

template <typename T>
void EncoderDecoder<T>::backward(const Tensor<T>& grad_logits) {
  if (encoder_) {
    grad_memory_.resize(memory_.shape());
    grad_memory_.zero();
  }
  decoder_.backward(grad_logits, grad_condition_, encoder_ ? &grad_memory_ : nullptr);
  if (!encoder_) return;  // the vector is data
  const EncoderConfig& e = *config_.encoder;
  const int64_t B = batch_->batch, D = e.bidirectional ? 2 : 1, H = e.hidden_size, L = e.num_layers;
  grad_final_.h.resize({L * D, B, H});
  grad_final_.h.zero();
  for (int64_t d = 0; d < D; ++d)
    for (int64_t b = 0; b < B; ++b)
      std::memcpy(grad_final_.h.data() + (((L - 1) * D + d) * B + b) * H, grad_condition_.data() + b * D * H + d * H,
                  sizeof(T) * H);
  grad_final_.c = Tensor<T>();
  encoder_->backward(grad_memory_, grad_final_, grad_embedded_, grad_initial_);
  dropout_.backward(grad_embedded_, grad_embedded_);
  grad_embedded_.reshape({grad_embedded_.numel() / e.embedding, e.embedding});
  embedding_->backward(grad_embedded_);
}

template <typename T>
std::unique_ptr<EncoderDecoder<T>> EncoderDecoder<T>::replica() {
  Rng unused(0);  // every parameter is overwritten
  auto copy = std::make_unique<EncoderDecoder<T>>(config_, unused);
  const ParameterList<T> from = parameters(), to = copy->parameters();
  for (size_t i = 0; i < from.size(); ++i) to[i]->value = from[i]->value;
  return copy;
}

template <typename T>
std::vector<std::vector<Hypothesis>> EncoderDecoder<T>::decode(const EncoderDecoderBatch& batch, int64_t begin_token,
                                                            int64_t end_token, const DecodingOptions& options,
                                                            Rng* rng) {
  encode(batch, /*training=*/false, nullptr, /*decoding=*/true);
  const DecoderMemory<T> memory{encoder_ ? &memory_ : nullptr, batch.source_lengths};
  return decode_sequences(decoder_, condition_, memory, begin_token, end_token, options, rng);
}

template class EncoderDecoder<float>;
template class EncoderDecoder<double>;

}  // namespace recur
