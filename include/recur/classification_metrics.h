// ConfusionMatrix: counts of (gold, predicted) label pairs and the measures
// read from them — accuracy, per-class precision, recall and F1, macro-F1 —
// for `recur classify eval` (per sequence) and `recur tag eval` (per token).
//
// A gold label the training data never had (kIgnoredTarget, counted under
// --allow-unknown-labels) is an error the model could not avoid: it counts in
// the total, as wrong, and in no class.
//
// Macro-F1 is the unweighted mean of F1 over every class of the label set
// (scikit-learn's f1_score(average="macro")); a class never predicted has
// precision 0, one never seen has recall 0 (and both give F1 0).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/label_set.h"

namespace recur {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t classes = 0);

  int64_t classes() const { return classes_; }
  void add(int64_t gold, int64_t predicted);
  int64_t count(int64_t gold, int64_t predicted) const { return counts_[static_cast<size_t>(gold * classes_ + predicted)]; }
  int64_t total() const { return total_; }
  int64_t correct() const { return correct_; }
  int64_t unknown() const { return unknown_; }

  double accuracy() const;
  double precision(int64_t c) const;
  double recall(int64_t c) const;
  double f1(int64_t c) const;
  int64_t support(int64_t c) const;  // gold occurrences
  double macro_f1() const;

  // {"accuracy", "macro_f1", "total", "correct", "unknown_labels",
  //  "per_class": {label: {"precision", "recall", "f1", "support"}},
  //  "confusion": {"labels": [...], "counts": [[gold row of predicted counts], ...]}}
  nlohmann::json to_json(const LabelSet& labels) const;

 private:
  int64_t predicted_count(int64_t c) const;

  int64_t classes_ = 0;
  std::vector<int64_t> counts_;  // [gold, predicted]
  int64_t total_ = 0, correct_ = 0, unknown_ = 0;
};

}  // namespace recur
