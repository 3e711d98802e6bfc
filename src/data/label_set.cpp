#include "recur/label_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "recur/input_error.h"

namespace recur {

void UnknownLabelTally::add(std::string_view label) {
  ++count;
  ++by_label[std::string(label)];
}

std::string UnknownLabelTally::summary() const {
  if (count == 0) return {};
  std::string text = fmt::format("{} label{} not seen in training:", count, count == 1 ? "" : "s");
  const char* separator = " ";
  for (const auto& [label, n] : by_label) {
    text += fmt::format("{}'{}' ({})", separator, label, n);
    separator = ", ";
  }
  return text;
}

LabelSet::LabelSet(std::vector<std::string> labels) : labels_(std::move(labels)) {
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i].empty()) throw std::invalid_argument("label set: a label is empty");
    if (!ids_.emplace(labels_[i], static_cast<int64_t>(i)).second)
      throw std::invalid_argument(fmt::format("label set: '{}' appears twice", labels_[i]));
  }
}

LabelSet LabelSet::of(std::span<const std::string> labels) {
  const std::set<std::string> distinct(labels.begin(), labels.end());
  return LabelSet(std::vector<std::string>(distinct.begin(), distinct.end()));
}

int64_t LabelSet::find(std::string_view label) const {
  const auto it = ids_.find(label);
  return it == ids_.end() ? -1 : it->second;
}

int64_t LabelSet::encode(std::string_view label, const std::string& file, int64_t line, UnknownLabels policy,
                         UnknownLabelTally* tally) const {
  const int64_t id = find(label);
  if (id >= 0) return id;
  if (policy == UnknownLabels::Count) {
    if (tally == nullptr) throw std::invalid_argument("LabelSet::encode: UnknownLabels::Count needs a tally");
    tally->add(label);
    return kIgnoredTarget;
  }
  // Name the known labels when they fit on a line (classes, UPOS); else how many.
  std::string known;
  if (labels_.size() <= 20) {
    for (const std::string& l : labels_) known += (known.empty() ? "" : " ") + l;
  } else {
    known = fmt::format("{} labels", labels_.size());
  }
  throw InputError(file, line,
                   fmt::format("label '{}' was not in the training data (known: {}); "
                               "--allow-unknown-labels counts such labels instead of stopping",
                               label, known));
}

nlohmann::json LabelSet::to_json() const { return {{"labels", labels_}}; }

LabelSet LabelSet::from_json(const nlohmann::json& json) {
  try {
    return LabelSet(json.at("labels").get<std::vector<std::string>>());
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("label set: ") + e.what());
  }
}

}  // namespace recur
