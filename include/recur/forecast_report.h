// The forecaster's section of `recur report`: on the test part of the file the
// run was trained on (split as in training), the model's forecasts against the
// actual values and the three baselines, as `recur forecast eval RUN` computes
// them (forecast_comparison.h): a table of RMSE, MAE, MAPE and sMAPE, the
// forecasts one step ahead (and `horizon` steps ahead) against the actual
// series for the first target, and the RMSE per horizon step.
#pragma once

#include "recur/report_sections.h"

namespace recur {

void forecast_report_section(HtmlPage& page, const ReportContext& context);

}  // namespace recur
