// The character language model's section of `recur report`: text sampled
// from the run's model at a few temperatures (ReportOptions), each primed
// with a newline as `recur sample` does, with a fixed seed.
#pragma once

#include "recur/report_sections.h"

namespace recur {

void char_lm_report_section(HtmlPage& page, const ReportContext& context);

}  // namespace recur
