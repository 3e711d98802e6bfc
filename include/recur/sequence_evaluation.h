// SequenceEvaluation: how well a SequenceLabeler does on labelled examples —
// what `recur classify eval` and `recur tag eval` print and what training
// logs on the dev set.
//
//   confusion         per sequence (classify) or per token (tag): accuracy,
//                     macro-F1, per-class precision/recall/F1 (classification_metrics.h)
//   loss              mean cross-entropy over the counted targets
//   unseen            tag with words: tokens whose word the vocabulary lacks
//                     (not in the training data, or rarer than --min-count)
//   sentences         tag: sentences with every token right
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/classification_metrics.h"
#include "recur/sequence_labeler.h"

namespace recur {

struct SequenceEvaluation {
  ConfusionMatrix confusion;
  TaskLoss loss;
  int64_t unseen_total = 0, unseen_correct = 0;
  int64_t sentences = 0, sentences_correct = 0;
  std::vector<std::vector<int64_t>> predicted;  // per example: 1 or one per step

  double unseen_accuracy() const { return unseen_total > 0 ? double(unseen_correct) / double(unseen_total) : 0.0; }
  double sentence_accuracy() const { return sentences > 0 ? double(sentences_correct) / double(sentences) : 0.0; }
  // ConfusionMatrix::to_json plus "loss", and for tag "unseen_accuracy",
  // "unseen_tokens", "sentence_accuracy", "sentences" ("unseen_accuracy" is
  // null for frames or when no token is unseen).
  nlohmann::json to_json(const LabelSet& labels, LabelScope scope) const;
};

// Argmax of each example's probabilities (predict's output): 1 or one per step.
std::vector<std::vector<int64_t>> argmax_labels(const std::vector<std::vector<float>>& probabilities, int64_t classes);

SequenceEvaluation evaluate_sequences(SequenceLabeler& labeler, const SequenceExamples& examples,
                                      const EncodedSequences& encoded, int64_t batch_size);

}  // namespace recur
