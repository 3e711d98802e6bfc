// The task-specific part of `recur report`: a registry of report sections
// keyed by the task name a checkpoint carries ("char_lm", "classify", ...).
// A section is a function that adds <section>s to the page from the run
// folder and its checkpoint: samples for a language model; a confusion
// matrix, per-tag F1 bars, forecasts against actuals, or a table of outputs
// for the tasks that have them.
//
// Adding a task's section: write `void <task>_report_section(HtmlPage&, const
// ReportContext&)` in src/report/<task>_report.cpp and add one line to the
// table of built-in sections in src/report/report_sections.cpp (a table, not
// self-registering statics: the library is a static archive, whose unreferenced
// objects the linker drops). Sections for every task (the gradient-flow and
// gate-saturation figures of `recur gradients`) use the task name "".
//
// A section should not throw for a run that is still young (no best
// checkpoint, no validation yet): it says what is missing. If it throws
// anyway, the report shows the error in place of the section.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "recur/checkpoint.h"
#include "recur/html_page.h"

namespace recur {

struct ReportOptions {
  int64_t sample_length = 400;                   // characters per language-model sample
  std::vector<double> temperatures = {0.5, 0.8, 1.0};
  uint64_t seed = 1;                             // of the samples: the same run gives the same page
  int64_t generation_examples = 1000;            // seq2seq/caption: dev examples decoded and scored (0: all)
};

struct ReportContext {
  std::filesystem::path run_dir;
  // The run's best checkpoint, else its last: the model the sections show.
  const Checkpoint& checkpoint;
  const ReportOptions& options;
};

using ReportSection = std::function<void(HtmlPage& page, const ReportContext& context)>;

// For a section that evaluates on the dev set the run was trained with (`dev`,
// "" when none): when there is none, or its file is gone, says so on the page
// (with the `recur COMMAND eval` line that scores a file instead) and returns
// false.
bool dev_set_there(HtmlPage& page, const ReportContext& context, const std::string& dev, const std::string& command);

// Adds a section for `task` ("" = every task), after the built-in ones.
void register_report_section(const std::string& task, ReportSection section);
// The sections of a report for a checkpoint of `task`: the task's own, then
// those of every task.
std::vector<ReportSection> report_sections(const std::string& task);

}  // namespace recur
