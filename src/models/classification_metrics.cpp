#include "recur/classification_metrics.h"

#include <stdexcept>

namespace recur {

ConfusionMatrix::ConfusionMatrix(int64_t classes)
    : classes_(classes), counts_(static_cast<size_t>(classes * classes), 0) {}

void ConfusionMatrix::add(int64_t gold, int64_t predicted) {
  if (predicted < 0 || predicted >= classes_) throw std::out_of_range("confusion matrix: predicted class out of range");
  ++total_;
  if (gold == kIgnoredTarget) {
    ++unknown_;
    return;
  }
  if (gold < 0 || gold >= classes_) throw std::out_of_range("confusion matrix: gold class out of range");
  ++counts_[static_cast<size_t>(gold * classes_ + predicted)];
  if (gold == predicted) ++correct_;
}

double ConfusionMatrix::accuracy() const { return total_ > 0 ? double(correct_) / double(total_) : 0.0; }

int64_t ConfusionMatrix::support(int64_t c) const {
  int64_t n = 0;
  for (int64_t p = 0; p < classes_; ++p) n += count(c, p);
  return n;
}

int64_t ConfusionMatrix::predicted_count(int64_t c) const {
  int64_t n = 0;
  for (int64_t g = 0; g < classes_; ++g) n += count(g, c);
  return n;
}

double ConfusionMatrix::precision(int64_t c) const {
  const int64_t n = predicted_count(c);
  return n > 0 ? double(count(c, c)) / double(n) : 0.0;
}

double ConfusionMatrix::recall(int64_t c) const {
  const int64_t n = support(c);
  return n > 0 ? double(count(c, c)) / double(n) : 0.0;
}

double ConfusionMatrix::f1(int64_t c) const {
  const double p = precision(c), r = recall(c);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double ConfusionMatrix::macro_f1() const {
  if (classes_ == 0) return 0.0;
  double sum = 0;
  for (int64_t c = 0; c < classes_; ++c) sum += f1(c);
  return sum / double(classes_);
}

nlohmann::json ConfusionMatrix::to_json(const LabelSet& labels) const {
  nlohmann::json per_class = nlohmann::json::object(), rows = nlohmann::json::array();
  for (int64_t c = 0; c < classes_; ++c) {
    per_class[labels.label(c)] = {
        {"precision", precision(c)}, {"recall", recall(c)}, {"f1", f1(c)}, {"support", support(c)}};
    std::vector<int64_t> row(counts_.begin() + c * classes_, counts_.begin() + (c + 1) * classes_);
    rows.push_back(row);
  }
  return {{"accuracy", accuracy()},
          {"macro_f1", macro_f1()},
          {"total", total_},
          {"correct", correct_},
          {"unknown_labels", unknown_},
          {"per_class", per_class},
          {"confusion", {{"labels", labels.labels()}, {"counts", rows}}}};
}

}  // namespace recur
