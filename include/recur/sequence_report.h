// The classifier's and the tagger's sections of `recur report`: the model's
// figures on the dev set that training recorded (recur.training "dev"),
// computed as `recur classify|tag eval --data DEV` computes them.
//   classify: accuracy, macro-F1, the confusion matrix as a heat map (rows:
//             gold, columns: predicted) and per-class F1 bars;
//   tag:      accuracy, macro-F1, per-tag F1 bars (with support in the
//             labels), and the confusion matrix.
// A run without a dev set, or whose dev file is gone, says so instead.
#pragma once

#include "recur/report_sections.h"

namespace recur {

void classify_report_section(HtmlPage& page, const ReportContext& context);
void tag_report_section(HtmlPage& page, const ReportContext& context);

}  // namespace recur
