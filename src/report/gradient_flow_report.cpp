#include "recur/gradient_flow_report.h"

#include <fmt/format.h>

#include <fstream>

#include "recur/gradient_flow.h"

namespace recur {

void gradient_flow_report_section(HtmlPage& page, const ReportContext& context) {
  const std::filesystem::path path = context.run_dir / "gradients.json";
  if (!std::filesystem::exists(path)) return;
  std::ifstream in(path);
  nlohmann::json record;
  try {
    record = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + " is not JSON: " + e.what());
  }
  const GradientFlow flow = GradientFlow::from_json(record);
  page.section("Gradient flow");
  page.paragraph(fmt::format(
      "||dL/dh_k|| of each layer for the loss at the last of {} steps, the mean over {} sequences{}, from {} "
      "(recur gradients --save).",
      flow.steps, flow.batch,
      record.contains("data") && record["data"].is_string() ? " of " + record["data"].get<std::string>() : "",
      record.value("checkpoint", std::string("the checkpoint"))));
  page.figure(flow.svg(fmt::format("Gradient flow: {}, loss at the last of {} steps", flow.cell, flow.steps)),
              static_cast<int>(flow.units.size()));
  std::vector<std::vector<std::string>> rows;
  for (const WeightSpectrum& s : flow.spectra) {
    std::string values;
    for (double v : s.singular_values) values += fmt::format("{}{:.4f}", values.empty() ? "" : ", ", v);
    rows.push_back({std::to_string(s.layer), std::to_string(s.direction), s.block, values});
  }
  page.table({"layer", "direction", "block", "largest singular values"}, rows);
  if (!flow.saturation.empty()) {
    rows.clear();
    for (const GateSaturation& g : flow.saturation)
      rows.push_back({std::to_string(g.layer), g.gate, fmt::format("{:.4f}", g.low), fmt::format("{:.4f}", g.high)});
    page.table({"layer", "gate", "fraction < 0.1", "fraction > 0.9"}, rows);
  }
}

}  // namespace recur
