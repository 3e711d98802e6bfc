// The gradient-flow section of `recur report`, for a run of any task: when
// `recur gradients --save` has left RUN/gradients.json, the plot of
// log ||dL/dh_k|| against the distance, the largest singular values of each
// W_hh block and the saturated gates. Nothing when the file is absent.
#pragma once

#include "recur/html_page.h"
#include "recur/report_sections.h"

namespace recur {

void gradient_flow_report_section(HtmlPage& page, const ReportContext& context);

}  // namespace recur
