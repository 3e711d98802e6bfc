// The report of a training run (`recur report RUN`, `recur train --report`):
// one self-contained HTML page (html_page.h) of
//   - the run: task, model, data, every setting, parameter count, position;
//   - learning curves from log.csv: training and validation loss against
//     iterations and against wall time (linear and log views), learning rate,
//     gradient norm before clipping with the clip threshold and clip events,
//     tokens/s;
//   - the task's own sections (report_sections.h), e.g. samples of a
//     language model.
// A run folder without log.csv, with a truncated one or without a checkpoint
// gets a page that says what is missing; only a path that is not a folder is
// an error.
#pragma once

#include <filesystem>

#include "recur/html_page.h"
#include "recur/report_sections.h"

namespace recur {

// Throws std::invalid_argument when `run_dir` is not a folder.
HtmlPage run_report(const std::filesystem::path& run_dir, const ReportOptions& options = {});

// Writes run_report() to `out` through a temporary file and a rename, so that
// a browser reloading it during training never reads half a page.
void write_run_report(const std::filesystem::path& run_dir, const std::filesystem::path& out,
                      const ReportOptions& options = {});

}  // namespace recur
