#include "recur/sequence_report.h"

#include <fmt/format.h>

#include "recur/sequence_evaluation.h"
#include "recur/sequence_task.h"
#include "recur/svg_plot.h"

namespace recur {
namespace {

constexpr int64_t kEvaluationBatch = 64;

BarChart f1_bars(const ConfusionMatrix& m, const LabelSet& labels, const std::string& title) {
  BarChart chart;
  chart.title = title;
  chart.value_label = "F1";
  chart.value_max = 1;
  BarSeries f1;
  f1.name = "F1";
  for (int64_t c = 0; c < labels.size(); ++c) {
    chart.categories.push_back(fmt::format("{} ({})", labels.label(c), m.support(c)));
    f1.values.push_back(m.f1(c));
  }
  chart.series.push_back(std::move(f1));
  return chart;
}

HeatMap confusion_map(const ConfusionMatrix& m, const LabelSet& labels) {
  HeatMap map;
  map.title = "Confusion matrix (counts)";
  map.row_label = "gold";
  map.column_label = "predicted";
  map.row_labels = labels.labels();
  map.column_labels = labels.labels();
  map.name = "confusion";
  for (int64_t g = 0; g < labels.size(); ++g) {
    std::vector<double> row;
    for (int64_t p = 0; p < labels.size(); ++p) row.push_back(static_cast<double>(m.count(g, p)));
    map.values.push_back(std::move(row));
  }
  return map;
}

void sequence_section(HtmlPage& page, const ReportContext& context, LabelScope scope) {
  const bool tag = scope == LabelScope::PerStep;
  page.section(tag ? "Tags on the dev set" : "Classes on the dev set");
  const Checkpoint& checkpoint = context.checkpoint;
  if (!checkpoint.training.contains("data")) {
    page.paragraph("The checkpoint records no training data, so there is no dev set to evaluate.");
    return;
  }
  const SequenceDataRecord record = SequenceDataRecord::from_json(checkpoint.training.at("data"));
  if (!dev_set_there(page, context, record.dev, tag ? "tag" : "classify")) return;
  SequenceLabeler labeler = SequenceLabeler::from_checkpoint(checkpoint, scope);
  const SequenceExamples dev = read_sequence_examples(record.dev, record.read_options(scope));
  const EncodedSequences encoded = labeler.encode(dev, UnknownLabels::Count);
  const SequenceEvaluation e = evaluate_sequences(labeler, dev, encoded, kEvaluationBatch);
  const ConfusionMatrix& m = e.confusion;
  page.paragraph(fmt::format("{} on {} ({} {}): accuracy {:.4f} ({}/{}), macro-F1 {:.4f}{}{}. `recur {} eval {} "
                             "--data {}` prints the same figures.",
                             checkpoint.path.filename().string(), record.dev, m.total(), tag ? "tokens" : "sequences",
                             m.accuracy(), m.correct(), m.total(), m.macro_f1(),
                             e.unseen_total > 0 ? fmt::format(", unseen words {:.4f}", e.unseen_accuracy()) : "",
                             m.unknown() > 0 ? fmt::format("; {} labels unknown to training counted as wrong",
                                                           m.unknown())
                                             : "",
                             tag ? "tag" : "classify", checkpoint.path.string(), record.dev));
  const LabelSet& labels = labeler.labels;
  if (tag) {
    page.figure(f1_bars(m, labels, "F1 per tag (support in brackets)").svg(), 1);
    page.figure(confusion_map(m, labels).svg(), 1);
  } else {
    page.figure(confusion_map(m, labels).svg(), 1);
    page.figure(f1_bars(m, labels, "F1 per class (support in brackets)").svg(), 1);
  }
}

}  // namespace

void classify_report_section(HtmlPage& page, const ReportContext& context) {
  sequence_section(page, context, LabelScope::PerSequence);
}

void tag_report_section(HtmlPage& page, const ReportContext& context) {
  sequence_section(page, context, LabelScope::PerStep);
}

}  // namespace recur
