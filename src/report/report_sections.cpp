#include "recur/report_sections.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <utility>

#include "recur/char_lm_report.h"
#include "recur/char_model.h"
#include "recur/forecast_report.h"
#include "recur/forecaster.h"
#include "recur/generation_model.h"
#include "recur/generation_report.h"
#include "recur/gradient_flow_report.h"
#include "recur/sequence_labeler.h"
#include "recur/sequence_report.h"

namespace recur {
namespace {

// The built-in sections, one line per task (see the header for why a table).
std::multimap<std::string, ReportSection>& sections() {
  static std::multimap<std::string, ReportSection> table = {
      {kCharLmTask, char_lm_report_section},
      {kClassifyTask, classify_report_section},
      {kTagTask, tag_report_section},
      {kForecastTask, forecast_report_section},
      {kSeq2seqTask, generation_report_section},
      {kCaptionTask, generation_report_section},
      {"", gradient_flow_report_section},
  };
  return table;
}

}  // namespace

bool dev_set_there(HtmlPage& page, const ReportContext& context, const std::string& dev, const std::string& command) {
  if (dev.empty()) {
    page.paragraph(fmt::format("This run was trained without --dev; `recur {} eval {} --data FILE` gives these "
                               "figures for a labelled file.",
                               command, context.run_dir.string()));
    return false;
  }
  if (!std::filesystem::exists(dev)) {
    page.paragraph(fmt::format("The dev file the run was trained with, {}, is no longer there.", dev));
    return false;
  }
  return true;
}

void register_report_section(const std::string& task, ReportSection section) {
  sections().emplace(task, std::move(section));
}

std::vector<ReportSection> report_sections(const std::string& task) {
  std::vector<ReportSection> found;
  if (!task.empty()) {
    auto [begin, end] = sections().equal_range(task);
    for (auto it = begin; it != end; ++it) found.push_back(it->second);
  }
  auto [begin, end] = sections().equal_range("");
  for (auto it = begin; it != end; ++it) found.push_back(it->second);
  return found;
}

}  // namespace recur
