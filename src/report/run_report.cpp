#include "recur/run_report.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "recur/run_folder.h"
#include "recur/svg_plot.h"
#include "recur/training_curves.h"

namespace recur {
namespace fs = std::filesystem;
namespace {

constexpr size_t kLongArray = 12;  // longer JSON arrays show as "[N items]" (a vocabulary, many paths)

// Settings as rows of (dotted key, value): every task's JSON, without knowing its fields.
void flatten(const nlohmann::json& json, const std::string& prefix, std::vector<std::vector<std::string>>& rows) {
  if (json.is_object()) {
    for (const auto& [key, value] : json.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, rows);
    return;
  }
  std::string text;
  if (json.is_string()) text = json.get<std::string>();
  else if (json.is_array() && json.size() > kLongArray) text = fmt::format("[{} items]", json.size());
  else if (json.is_null()) text = "none";
  else text = json.dump();
  rows.push_back({prefix, text});
}

std::optional<Checkpoint> load_if_there(const fs::path& path, std::vector<std::string>& problems) {
  if (!fs::exists(path)) return std::nullopt;
  try {
    return load_checkpoint(path);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
    return std::nullopt;
  }
}

int64_t parameter_count(const Checkpoint& checkpoint) {
  int64_t count = 0;
  for (const auto& [name, tensor] : checkpoint.tensors)
    if (is_model_tensor(name)) count += tensor.numel();
  return count;
}

std::string number_text(const nlohmann::json& value, const char* format = "{:.4f}") {
  if (value.is_number_float()) return fmt::format(fmt::runtime(format), value.get<double>());
  if (value.is_null()) return "none";
  return value.dump();
}

// What --monitor named, as the checkpoint records it ("loss" when it does not, or not as a name).
std::string monitor_name(const nlohmann::json& training) {
  const auto trainer = training.find("trainer");
  if (trainer == training.end() || !trainer->is_object()) return "loss";
  const auto monitor = trainer->find("monitor");
  return monitor != trainer->end() && monitor->is_string() ? monitor->get<std::string>() : "loss";
}

void run_section(HtmlPage& page, const fs::path& run_dir, const Checkpoint& last) {
  page.section("Run");
  const nlohmann::json& t = last.training;
  std::vector<std::vector<std::string>> rows = {
      {"task", checkpoint_task(last).empty() ? "(not recorded)" : checkpoint_task(last)},
      {"run folder", fs::absolute(run_dir).lexically_normal().string()},
      {"parameters", fmt::format("{}", parameter_count(last))}};
  for (const char* key : {"iteration", "epoch", "tokens", "elapsed_seconds", "best_validation_loss", "clipped_steps"})
    if (t.contains(key)) rows.push_back({key, number_text(t.at(key))});
  // The figure that picked best.safetensors, when --monitor named one other than the loss.
  if (const std::string monitor = monitor_name(t); monitor != "loss" && t.contains("best_monitored"))
    rows.push_back({"best " + monitor, number_text(t.at("best_monitored"))});
  page.table({"", ""}, rows);
  for (const auto& [heading, json] : {std::pair{"Model", last.model}, {"Data", t.value("data", nlohmann::json())},
                                      {"Training settings", t.value("trainer", nlohmann::json())}}) {
    rows.clear();
    flatten(json, "", rows);
    if (rows.empty()) continue;
    page.paragraph(heading);
    page.table({"setting", "value"}, rows);
  }
}

LineSeries series(const std::string& name, const std::vector<double>& x, const std::vector<double>& y,
                  bool dashed = false) {
  LineSeries s;
  s.name = name;
  s.x = x;
  s.y = y;
  s.dashed = dashed;
  s.points = dashed;  // validation: sparse, its points matter
  return s;
}

// Rows where a validation loss was logged.
std::pair<std::vector<double>, std::vector<double>> validated(const std::vector<double>& x,
                                                              const std::vector<double>& loss) {
  std::pair<std::vector<double>, std::vector<double>> out;
  for (size_t i = 0; i < x.size() && i < loss.size(); ++i)
    if (std::isfinite(loss[i])) {
      out.first.push_back(x[i]);
      out.second.push_back(loss[i]);
    }
  return out;
}

void curves_section(HtmlPage& page, const fs::path& run_dir, const std::optional<Checkpoint>& last) {
  page.section("Learning curves");
  const TrainingCurves curves = TrainingCurves::read(run_dir / "log.csv");
  for (const auto& problem : curves.problems) page.paragraph("Note: " + problem);
  if (curves.rows == 0) return;
  const auto iteration = curves.column("iteration"), elapsed = curves.column("elapsed_s");

  // Loss against iterations and against wall time, each on a linear and a log axis.
  std::vector<std::pair<std::string, std::string>> views;
  int expected = 0;
  for (const auto& [x_name, x, x_label] : {std::tuple{"iterations", iteration, "iteration"},
                                           {"wall time", elapsed, "wall time (s)"}})
    for (AxisScale scale : {AxisScale::Linear, AxisScale::Log10}) {
      LinePlot plot;
      plot.title = "loss";
      plot.x_axis.label = x_label;
      plot.y_axis = {"cross-entropy (nats)", scale};
      plot.series = {series("training", x, curves.column("loss")),
                     series("training (smoothed)", x, curves.column("smoothed_loss"))};
      const auto [vx, vy] = validated(x, curves.column("val_loss"));
      if (!vx.empty()) plot.series.push_back(series("validation", vx, vy, true));
      expected = static_cast<int>(plot.series.size());
      views.emplace_back(fmt::format("{}, {}", x_name, scale == AxisScale::Log10 ? "log" : "linear"), plot.svg());
    }
  page.toggle(views, expected, "Training loss at each logged iteration, its running average, and the validation "
                               "loss at each evaluation.");

  // The figure --monitor named (exact match, accuracy, ...) at each evaluation, when it was not the loss.
  if (const auto [mx, my] = validated(iteration, curves.column("val_monitored")); !mx.empty()) {
    const std::string name = last ? monitor_name(last->training) : "monitored figure";
    LinePlot monitored;
    monitored.title = "validation " + name;
    monitored.x_axis.label = "iteration";
    monitored.y_axis.label = name;
    monitored.height = 280;
    monitored.series = {series(name, mx, my, true)};
    page.figure(monitored.svg(), 1,
                "The validation figure that --monitor " + name +
                    " watched, at each evaluation: best.safetensors is the checkpoint of its best value.");
  }

  LinePlot rate;
  rate.title = "learning rate";
  rate.x_axis.label = "iteration";
  rate.height = 280;
  rate.series = {series("learning rate", iteration, curves.column("learning_rate"))};
  page.figure(rate.svg(), 1);

  LinePlot gradient;
  gradient.title = "gradient norm before clipping";
  gradient.x_axis.label = "iteration";
  gradient.y_axis.scale = AxisScale::Log10;
  gradient.height = 320;
  gradient.series = {series("gradient norm", iteration, curves.column("grad_norm"))};
  std::string caption = "The global L2 norm of the gradient at each logged step, before clipping.";
  if (last && last->training.contains("trainer")) {
    const nlohmann::json& trainer = last->training.at("trainer");
    const double clip = trainer.value("clip", 0.0);
    if (trainer.value("clip_mode", std::string()) == "norm" && clip > 0) {
      gradient.series.push_back(series("clip threshold", {iteration.front(), iteration.back()}, {clip, clip}, false));
      gradient.series.back().dashed = true;
    }
  }
  if (curves.has("clipped_steps")) {
    // clipped_steps counts the run's clipped steps so far: where it grew, some
    // step since the previous row was clipped.
    const auto clipped = curves.column("clipped_steps");
    EventMarks events;
    events.name = "steps clipped since the last row";
    for (size_t i = 0; i < curves.rows; ++i)
      if (std::isfinite(clipped[i]) && clipped[i] > (i == 0 ? 0.0 : clipped[i - 1])) events.x.push_back(iteration[i]);
    caption += fmt::format(" Red ticks: rows since which some step was clipped ({} steps in all).",
                           std::isfinite(clipped.back()) ? fmt::format("{:.0f}", clipped.back()) : "?");
    gradient.events = {events};
  }
  page.figure(gradient.svg(), static_cast<int>(gradient.series.size()), caption);

  LinePlot speed;
  speed.title = "speed";
  speed.x_axis.label = "iteration";
  speed.y_axis.label = "tokens/s";
  speed.height = 280;
  speed.series = {series("tokens/s", iteration, curves.column("tokens_per_s"))};
  page.figure(speed.svg(), 1);
}

}  // namespace

HtmlPage run_report(const fs::path& run_dir, const ReportOptions& options) {
  if (!fs::is_directory(run_dir))
    throw std::invalid_argument(run_dir.string() + " is not a run folder (give the folder `recur train --run` wrote)");
  HtmlPage page("recur report: " + fs::absolute(run_dir).lexically_normal().filename().string());
  std::vector<std::string> problems;
  const std::optional<Checkpoint> last = load_if_there(run_dir / kLastCheckpoint, problems);
  std::optional<Checkpoint> best = load_if_there(run_dir / kBestCheckpoint, problems);
  const Checkpoint* shown = best ? &*best : last ? &*last : nullptr;

  if (last) {
    run_section(page, run_dir, *last);
  } else {
    page.section("Run");
    page.paragraph(fmt::format("No {} in {}: the run's settings are not known yet (it writes one at its first "
                               "evaluation).",
                               kLastCheckpoint, run_dir.string()));
  }
  for (const auto& problem : problems) page.paragraph("Note: " + problem);
  curves_section(page, run_dir, last);

  if (shown) {
    const ReportContext context{run_dir, *shown, options};
    for (const ReportSection& section : report_sections(checkpoint_task(*shown))) {
      try {
        section(page, context);
      } catch (const std::exception& e) {
        page.paragraph(std::string("This section could not be drawn: ") + e.what());
      }
    }
  }
  return page;
}

void write_run_report(const fs::path& run_dir, const fs::path& out, const ReportOptions& options) {
  const HtmlPage page = run_report(run_dir, options);
  const fs::path temporary = out.string() + ".tmp";
  page.write(temporary);
  fs::rename(temporary, out);
}

}  // namespace recur
