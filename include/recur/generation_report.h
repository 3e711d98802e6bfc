// The section of `recur report` for `recur seq2seq` and `recur caption` runs:
// greedy decoding of the dev set that training recorded (recur.training
// "dev"; its first ReportOptions::generation_examples examples), with the
// decoding and the scores of `recur seq2seq|caption eval` (score_generation,
// the eval defaults), so that the page's figures — exact match, token error
// rate, token accuracy and, for word targets, BLEU — are the ones eval prints
// on the same data. Then a table of the first examples: the input (the source
// text; for a caption, the vector's width and range, drawn as a small grey
// image when its width is a square), the references, and the output with its
// wrong tokens marked against the closest reference (substituted, extra, and
// missing ones struck through).
// A run without a dev set, or whose dev file is gone, says so instead.
#pragma once

#include "recur/report_sections.h"

namespace recur {

// For both tasks (the checkpoint tells which).
void generation_report_section(HtmlPage& page, const ReportContext& context);

}  // namespace recur
