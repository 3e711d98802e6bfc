// SequenceLabeler: a trained classifier or tagger as a whole — the
// SequenceModel with the word vocabulary, the character ids (with a character
// encoder) and the label set it predicts — what `recur classify|tag train`
// saves and `eval` / `predict` load. Also: examples to ids, padded batches,
// and class probabilities for every example.
//
// In a checkpoint's "recur.model":
//   {"task": "classify" | "tag", "config": SequenceModelConfig, "labels": LabelSet,
//    "vocabulary": WordVocabulary (words), "characters": WordCharacters (with a
//    character encoder), "frozen_embedding": bool}
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "recur/checkpoint.h"
#include "recur/label_set.h"
#include "recur/sequence_examples.h"
#include "recur/sequence_model.h"
#include "recur/training_task.h"
#include "recur/word_characters.h"
#include "recur/word_vocabulary.h"

namespace recur {

inline constexpr const char* kClassifyTask = "classify";
inline constexpr const char* kTagTask = "tag";
// Words longer than this are read by the character encoder up to here.
inline constexpr int64_t kMaxWordCharacters = 30;

std::string task_name(LabelScope scope);         // "classify", "tag"
std::string task_description(LabelScope scope);  // "a sequence classifier", "a sequence tagger"

// The examples as ids: lengths, word ids (word input) and targets (1 or one
// per step each; kIgnoredTarget for a label absent or counted as unknown).
struct EncodedSequences {
  std::vector<int64_t> lengths;
  std::vector<std::vector<int64_t>> word_ids;
  std::vector<std::vector<int64_t>> targets;
  UnknownLabelTally unknown;
};

// How to build a fresh labeler from training data.
struct SequenceLabelerOptions {
  WordVocabulary::Options vocabulary;  // min_count, max_size, lowercase
  bool char_encoder = false;
  std::string embeddings;        // pre-trained vectors (word2vec/GloVe text); empty: random
  bool freeze_embeddings = false;
  SequenceModelConfig model;     // input kind/sizes and classes are filled in from the data
};

struct SequenceLabeler {
  LabelScope scope = LabelScope::PerSequence;
  WordVocabulary vocabulary;
  std::optional<WordCharacters> characters;
  LabelSet labels;
  std::unique_ptr<SequenceModel<float>> model;

  // Vocabulary, characters and labels from `train`; the model drawn from `rng`;
  // pre-trained vectors copied in (words the file lacks keep their random row;
  // `missing_vectors` counts them). Throws OptionError for options that do not fit.
  static SequenceLabeler build(const SequenceExamples& train, const SequenceLabelerOptions& options, Rng& rng,
                               int64_t* missing_vectors = nullptr);
  // Throws FormatError naming the file (a checkpoint of another task among others).
  static SequenceLabeler from_checkpoint(const Checkpoint& checkpoint, LabelScope scope);
  nlohmann::json describe() const;

  // Throws std::invalid_argument when the examples do not fit the model (words
  // for a frame model, frames of another width), InputError for an unknown label
  // under UnknownLabels::Error. Absent labels (predict) become kIgnoredTarget.
  EncodedSequences encode(const SequenceExamples& examples, UnknownLabels policy) const;
  SequenceBatch batch(const SequenceExamples& examples, const EncodedSequences& encoded,
                      std::span<const int64_t> rows) const;
  // [B] or [T * B] time-major, for the loss.
  std::vector<int64_t> batch_targets(const BatchLayout& layout, const EncodedSequences& encoded) const;

  // Class probabilities of every example: [C] (classify) or [length, C] row-major
  // (tag). With `loss`, also the summed cross-entropy over the counted targets.
  std::vector<std::vector<float>> predict(const SequenceExamples& examples, const EncodedSequences& encoded,
                                          int64_t batch_size, TaskLoss* loss = nullptr);
};

}  // namespace recur
