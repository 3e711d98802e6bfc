// LabelSet: the labels (or tags) a model predicts, as any strings, and the
// mapping label <-> id (id = rank in byte order, so the same training labels
// always give the same ids: "0", "1" for SST-2; "ADJ", "ADP", ... for UPOS).
// Saved in checkpoints; built from the training data only.
//
// A label the training data never had is an error naming the file and line,
// or, with UnknownLabels::Count (--allow-unknown-labels), counted and given
// kIgnoredTarget, which the loss skips (loss.h's ignore_index) and the metrics
// count as wrong.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recur/word_vocabulary.h"

namespace recur {

// Target of padding and of counted unknown labels: cross_entropy's default ignore_index.
constexpr int64_t kIgnoredTarget = -100;

enum class UnknownLabels { Error, Count };

// How many unknown labels were met, and which.
struct UnknownLabelTally {
  int64_t count = 0;
  std::map<std::string, int64_t> by_label;
  void add(std::string_view label);
  // "3 labels not seen in training: 'x' (2), 'y' (1)"; empty when count == 0.
  std::string summary() const;
};

class LabelSet {
 public:
  LabelSet() = default;
  // The distinct labels of `labels`, sorted. Throws std::invalid_argument on an empty label.
  static LabelSet of(std::span<const std::string> labels);
  // Labels in the order given (ids = positions); throws on a duplicate or an empty label.
  explicit LabelSet(std::vector<std::string> labels);

  int64_t size() const { return static_cast<int64_t>(labels_.size()); }
  const std::vector<std::string>& labels() const { return labels_; }
  const std::string& label(int64_t id) const { return labels_.at(static_cast<size_t>(id)); }
  // -1 when absent.
  int64_t find(std::string_view label) const;
  bool contains(std::string_view label) const { return find(label) >= 0; }

  // The id of a label read at file:line. Unknown: InputError "file:line: label 'x'
  // was not in the training data (known: ...)" under Error; under Count, tallied
  // in `tally` (required then) and kIgnoredTarget returned.
  int64_t encode(std::string_view label, const std::string& file, int64_t line, UnknownLabels policy,
                 UnknownLabelTally* tally = nullptr) const;

  // {"labels": ["0", "1"]}
  nlohmann::json to_json() const;
  static LabelSet from_json(const nlohmann::json& json);

  bool operator==(const LabelSet& other) const { return labels_ == other.labels_; }

 private:
  std::vector<std::string> labels_;
  StringIdMap ids_;
};

}  // namespace recur
