#include "recur/sequence_input.h"

#include <algorithm>
#include <stdexcept>

#include "models/config_json.h"
#include "recur/option_error.h"

namespace recur {

int64_t SequenceInputConfig::output_size() const {
  if (kind == InputKind::Frames) return frame_width;
  return word_embedding + (char_vocab_size > 0 ? 2 * char_hidden : 0);
}

void SequenceInputConfig::validate() const {
  if (kind == InputKind::Frames) {
    if (frame_width < 1) throw OptionError("frame_width", "frames need a width >= 1");
    return;
  }
  if (vocab_size < 2) throw OptionError("vocab_size", "the word vocabulary needs at least <pad> and <unk>");
  if (word_embedding < 1) throw OptionError("word_embedding", "word embedding size must be >= 1");
  if (char_vocab_size > 0 && char_embedding < 1)
    throw OptionError("char_embedding", "character embedding size must be >= 1");
  if (char_vocab_size > 0 && char_hidden < 1) throw OptionError("char_hidden", "character encoder size must be >= 1");
  if (!(word_dropout >= 0 && word_dropout < 1)) throw OptionError("word_dropout", "word dropout must be in [0, 1)");
}

nlohmann::json SequenceInputConfig::to_json() const {
  if (kind == InputKind::Frames) return {{"kind", "frames"}, {"frame_width", frame_width}};
  return {{"kind", "words"},           {"vocab_size", vocab_size},         {"word_embedding", word_embedding},
          {"char_vocab_size", char_vocab_size}, {"char_embedding", char_embedding}, {"char_hidden", char_hidden},
          {"char_cell", cell_name(char_cell)}, {"word_dropout", word_dropout}};
}

SequenceInputConfig SequenceInputConfig::from_json(const nlohmann::json& json) {
  SequenceInputConfig c;
  const std::string kind = required<std::string>(json, "kind");
  if (kind == "frames") {
    c.kind = InputKind::Frames;
    c.frame_width = required<int64_t>(json, "frame_width");
  } else if (kind == "words") {
    c.vocab_size = required<int64_t>(json, "vocab_size");
    c.word_embedding = required<int64_t>(json, "word_embedding");
    c.char_vocab_size = required<int64_t>(json, "char_vocab_size");
    c.char_embedding = required<int64_t>(json, "char_embedding");
    c.char_hidden = required<int64_t>(json, "char_hidden");
    c.char_cell = parse_cell(required<std::string>(json, "char_cell"));
    c.word_dropout = json.value("word_dropout", 0.0);
  } else {
    throw std::invalid_argument("input configuration has kind '" + kind + "' (expected words or frames)");
  }
  c.validate();
  return c;
}

template <typename T>
SequenceInput<T>::SequenceInput(const SequenceInputConfig& config, Rng& rng) : config_(config) {
  config_.validate();
  if (config_.kind == InputKind::Frames) return;
  embedding_.emplace(config_.vocab_size, config_.word_embedding, rng);
  prefix_names(embedding_->parameters(), "embedding");
  if (config_.char_vocab_size > 0) {
    chars_.emplace(config_.char_vocab_size, config_.char_embedding, config_.char_hidden, config_.char_cell, rng);
    prefix_names(chars_->parameters(), "chars");
  }
}

template <typename T>
ParameterList<T> SequenceInput<T>::parameters() {
  ParameterList<T> list;
  if (embedding_) list = embedding_->parameters();
  if (chars_)
    append_parameters(list, chars_->parameters());
  return list;
}

template <typename T>
void SequenceInput<T>::forward(const SequenceBatch& batch, Tensor<T>& output, bool training, Rng* rng) {
  const BatchLayout& layout = batch.layout;
  const int64_t steps = layout.steps, B = layout.batch, X = config_.output_size();
  batch_ = &batch;
  output.resize({steps, B, X});
  if (config_.kind == InputKind::Frames) {
    if (batch.frames.shape() != Shape{steps, B, X})
      throw std::invalid_argument("frame batch must be " + shape_string({steps, B, X}) + ", got " +
                                  shape_string(batch.frames.shape()));
    std::copy(batch.frames.data(), batch.frames.data() + batch.frames.numel(), output.data());
    return;
  }
  if (static_cast<int64_t>(batch.word_ids.size()) != steps * B)
    throw std::invalid_argument("word batch must hold steps * batch ids");
  const int64_t E = config_.word_embedding;
  if (training && config_.word_dropout > 0) {
    if (rng == nullptr) throw std::invalid_argument("training with word dropout needs an Rng");
    dropped_ids_ = batch.word_ids;
    for (int64_t& id : dropped_ids_)
      if (id != WordVocabulary::kPad && rng->uniform() < config_.word_dropout) id = WordVocabulary::kUnknown;
    embedding_->forward(dropped_ids_, embedded_);
  } else {
    embedding_->forward(batch.word_ids, embedded_);
  }
  if (chars_) chars_->forward(batch.chars.chars, batch.chars.lengths, batch.chars.max_length, encoded_);
  const int64_t C = X - E;
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t r = 0; r < B; ++r) {
      const int64_t i = t * B + r;
      T* out = output.data() + i * X;
      if (t >= layout.lengths[r]) {
        std::fill(out, out + X, T(0));
        continue;
      }
      std::copy_n(embedded_.data() + i * E, E, out);
      if (chars_) {
        const int64_t u = batch.chars.word_of_position[i];
        std::copy_n(encoded_.data() + u * C, C, out + E);
      }
    }
}

template <typename T>
void SequenceInput<T>::backward(const Tensor<T>& grad_output) {
  if (config_.kind == InputKind::Frames || batch_ == nullptr) return;
  const BatchLayout& layout = batch_->layout;
  const int64_t steps = layout.steps, B = layout.batch, X = config_.output_size(), E = config_.word_embedding;
  const int64_t C = X - E;
  if (grad_output.shape() != Shape{steps, B, X})
    throw std::invalid_argument("input grad_output must be " + shape_string({steps, B, X}));
  if (!frozen_) {
    grad_embedded_.resize({steps * B, E});
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t r = 0; r < B; ++r) {
        const int64_t i = t * B + r;
        T* g = grad_embedded_.data() + i * E;
        if (t >= layout.lengths[r]) std::fill(g, g + E, T(0));
        else std::copy_n(grad_output.data() + i * X, E, g);
      }
    embedding_->backward(grad_embedded_);
  }
  if (chars_) {
    // Each distinct word's gradient is the sum over the positions it fills.
    grad_encoded_.resize({batch_->chars.words, C});
    grad_encoded_.zero();
    for (int64_t t = 0; t < steps; ++t)
      for (int64_t r = 0; r < B; ++r) {
        const int64_t i = t * B + r, u = batch_->chars.word_of_position[i];
        if (t >= layout.lengths[r] || u < 0) continue;
        const T* g = grad_output.data() + i * X + E;
        T* into = grad_encoded_.data() + u * C;
        for (int64_t j = 0; j < C; ++j) into[j] += g[j];
      }
    chars_->backward(grad_encoded_);
  }
}

template class SequenceInput<float>;
template class SequenceInput<double>;

}  // namespace recur
