// SequenceInput: what a sequence classifier or tagger reads at each step —
// the first layer of both, shared so that neither is tied to words:
//
//   words   a word embedding [V, E] (random, or pre-trained vectors, fine-tuned
//           or frozen), optionally concatenated with a character encoding of
//           the word (CharWordEncoder, [2 * char_hidden]) so that words the
//           vocabulary lacks still carry signal: X = E (+ 2 * char_hidden)
//   frames  the batch's float vectors as they are (JSONL frames): X = F
//
// SequenceBatch is one padded batch in the engine's layout (padded_batch.h):
//   layout     T steps, B rows longest first, lengths
//   word_ids   [T * B] time-major word ids, WordVocabulary::kPad past lengths   (words)
//   chars      the distinct words' characters (word_characters.h)   (words with a char encoder)
//   frames     [T, B, F], zero past lengths   (frames)
// Output [T, B, X], zero at padding positions.
//
// Parameter names: "embedding.weight", "chars.embedding.weight", "chars.rnn.*".
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

#include "recur/char_word_encoder.h"
#include "recur/embedding.h"
#include "recur/padded_batch.h"
#include "recur/word_characters.h"

namespace recur {

enum class InputKind { Words, Frames };

struct SequenceInputConfig {
  InputKind kind = InputKind::Words;
  int64_t vocab_size = 0;      // words: the word vocabulary's size
  int64_t word_embedding = 100;
  int64_t char_vocab_size = 0;  // 0: no character encoder
  int64_t char_embedding = 25;
  int64_t char_hidden = 25;
  CellKind char_cell = CellKind::Lstm;
  int64_t frame_width = 0;  // frames: F
  // Training only: each word id becomes <unk> with this probability (its characters
  // stay), so that the model learns to read unknown words from their spelling.
  double word_dropout = 0.0;

  int64_t output_size() const;
  // Throws OptionError naming the option ("word_embedding", "char_hidden", ...).
  void validate() const;
  nlohmann::json to_json() const;
  static SequenceInputConfig from_json(const nlohmann::json& json);
};

struct SequenceBatch {
  BatchLayout layout;
  std::vector<int64_t> word_ids;
  CharBatch chars;
  Tensor<float> frames;
};

template <typename T>
class SequenceInput {
 public:
  SequenceInput(const SequenceInputConfig& config, Rng& rng);

  const SequenceInputConfig& config() const { return config_; }
  ParameterList<T> parameters();
  // The word embedding table [V, E] (words only), e.g. to load pre-trained vectors.
  Parameter<T>& word_embedding() { return *embedding_->parameters()[0]; }
  // A frozen word embedding gets no gradient (it stays a parameter, so that
  // checkpoints keep it).
  void freeze_word_embedding(bool frozen) { frozen_ = frozen; }
  bool word_embedding_frozen() const { return frozen_; }

  // `rng` draws the word dropout when training.
  void forward(const SequenceBatch& batch, Tensor<T>& output, bool training = false, Rng* rng = nullptr);
  // grad_output [T, B, X]; adds to the parameters' gradients (none for frames).
  void backward(const Tensor<T>& grad_output);

 private:
  SequenceInputConfig config_;
  std::optional<Embedding<T>> embedding_;
  std::optional<CharWordEncoder<T>> chars_;
  bool frozen_ = false;
  const SequenceBatch* batch_ = nullptr;
  std::vector<int64_t> dropped_ids_;
  Tensor<T> embedded_, encoded_, grad_embedded_, grad_encoded_;
};

}  // namespace recur
