#include "recur/sequence_evaluation.h"

#include <algorithm>

namespace recur {

nlohmann::json SequenceEvaluation::to_json(const LabelSet& labels, LabelScope scope) const {
  nlohmann::json j = confusion.to_json(labels);
  j["loss"] = loss.mean();
  if (scope == LabelScope::PerStep) {
    j["unseen_accuracy"] = unseen_total > 0 ? nlohmann::json(unseen_accuracy()) : nlohmann::json();
    j["unseen_tokens"] = unseen_total;
    j["sentence_accuracy"] = sentence_accuracy();
    j["sentences"] = sentences;
  }
  return j;
}

std::vector<std::vector<int64_t>> argmax_labels(const std::vector<std::vector<float>>& probabilities, int64_t classes) {
  std::vector<std::vector<int64_t>> labels;
  labels.reserve(probabilities.size());
  for (const std::vector<float>& p : probabilities) {
    std::vector<int64_t> row;
    for (size_t t = 0; t * classes < p.size(); ++t) {
      const auto first = p.begin() + static_cast<std::ptrdiff_t>(t * classes);
      row.push_back(std::max_element(first, first + classes) - first);
    }
    labels.push_back(std::move(row));
  }
  return labels;
}

SequenceEvaluation evaluate_sequences(SequenceLabeler& labeler, const SequenceExamples& examples,
                                      const EncodedSequences& encoded, int64_t batch_size) {
  SequenceEvaluation result;
  result.confusion = ConfusionMatrix(labeler.labels.size());
  result.predicted = argmax_labels(labeler.predict(examples, encoded, batch_size, &result.loss), labeler.labels.size());
  const bool words = !examples.is_frames();
  for (size_t e = 0; e < result.predicted.size(); ++e) {
    const std::vector<int64_t>& gold = encoded.targets[e];
    const std::vector<int64_t>& predicted = result.predicted[e];
    bool all_right = true;
    for (size_t t = 0; t < gold.size(); ++t) {
      result.confusion.add(gold[t], predicted[t]);
      const bool right = gold[t] == predicted[t];
      all_right = all_right && right;
      if (labeler.scope == LabelScope::PerStep && words && encoded.word_ids[e][t] == WordVocabulary::kUnknown) {
        ++result.unseen_total;
        result.unseen_correct += right ? 1 : 0;
      }
    }
    ++result.sentences;
    result.sentences_correct += all_right ? 1 : 0;
  }
  return result;
}

}  // namespace recur
