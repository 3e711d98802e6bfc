// A sample report page (learning curves with a linear/log toggle, learning
// rate, gradient norm with clip events, per-tag bars, a confusion matrix)
// opened in headless Chromium by scripts/check_html.sh: it must render with no
// console error and no network request and show the series it declares. A page
// that breaks each rule must fail the same check, and so must one that lacks an
// element the check is told to expect. Skipped without chromium.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "command_runner.h"
#include "plot_series.h"
#include "recur/html_page.h"
#include "recur/svg_plot.h"
#include "test_files.h"

namespace recur {
namespace {

// Dashed series (validation) also show their points: they are sparse.
LineSeries curve(const std::string& name, std::vector<double> x, std::vector<double> y, bool dashed = false) {
  return testing::line(name, std::move(x), std::move(y), dashed, dashed);
}

// A page shaped like the report of a training run, from made-up curves.
HtmlPage sample_page() {
  std::vector<double> iterations, loss, smoothed, lr, grad_norm, validation_x, validation;
  double average = 4.2;
  for (int i = 0; i <= 2000; i += 10) {
    const double t = i / 2000.0;
    iterations.push_back(i);
    loss.push_back(1.3 + 2.9 * std::exp(-6 * t) + 0.15 * std::sin(i * 0.37));
    average = 0.9 * average + 0.1 * loss.back();
    smoothed.push_back(average);
    lr.push_back(i < 100 ? 3e-3 * (i + 1) / 100 : 3e-5 + (3e-3 - 3e-5) * (1 + std::cos(M_PI * (i - 100) / 1900.0)) / 2);
    grad_norm.push_back(0.6 + 4.5 * std::exp(-4 * t) * (1 + 0.5 * std::sin(i * 1.3)));
    if (i % 200 == 0) {
      validation_x.push_back(i);
      validation.push_back(i == 1000 ? std::numeric_limits<double>::quiet_NaN() : 1.45 + 2.8 * std::exp(-5.5 * t));
    }
  }
  std::vector<double> clipped;
  for (size_t i = 0; i < grad_norm.size(); ++i)
    if (grad_norm[i] > 5.0) clipped.push_back(iterations[i]);

  HtmlPage page("recur report: runs/sample <demo>");
  page.paragraph("A sample page of the plotting module: 2000 iterations of a made-up run.");
  page.section("Learning curves");
  LinePlot curves;
  curves.title = "loss";
  curves.x_axis.label = "iteration";
  curves.y_axis.label = "cross-entropy (nats)";
  curves.series = {curve("training", iterations, loss), curve("training (smoothed)", iterations, smoothed),
                   curve("validation", validation_x, validation, true)};
  LinePlot curves_log = curves;
  curves_log.y_axis.scale = AxisScale::Log10;
  page.toggle({{"linear", curves.svg()}, {"log", curves_log.svg()}}, 3, "Validation at 1000 failed: a gap.");

  LinePlot rate;
  rate.title = "learning rate";
  rate.x_axis.label = "iteration";
  rate.y_axis.scale = AxisScale::Log10;
  rate.height = 300;
  rate.series = {curve("learning rate", iterations, lr)};
  page.figure(rate.svg(), 1);

  LinePlot gradients;
  gradients.title = "gradient norm before clipping";
  gradients.x_axis.label = "iteration";
  gradients.height = 300;
  gradients.series = {curve("norm", iterations, grad_norm)};
  EventMarks clips;
  clips.name = "clipped (> 5)";
  clips.x = clipped;
  gradients.events = {clips};
  page.figure(gradients.svg(), 1);

  page.section("Tagging");
  BarChart f1;
  f1.title = "F1 per tag";
  f1.value_label = "F1";
  f1.value_max = 1;
  f1.categories = {"NOUN", "VERB", "ADJ", "ADP", "PROPN", "PUNCT", "<unk>"};
  BarSeries dev, test;
  dev.name = "dev";
  dev.values = {0.93, 0.91, 0.84, 0.97, 0.71, 0.99, 0.12};
  test.name = "test";
  test.values = {0.92, 0.89, 0.82, 0.96, 0.68, 0.99, std::numeric_limits<double>::quiet_NaN()};
  f1.series = {dev, test};
  page.figure(f1.svg(), 2);

  HeatMap confusion;
  confusion.title = "confusion matrix (test)";
  confusion.row_label = "actual";
  confusion.column_label = "predicted";
  confusion.row_labels = {"NOUN", "VERB", "ADJ", "PROPN"};
  confusion.column_labels = confusion.row_labels;
  confusion.values = {{812, 21, 33, 40}, {25, 640, 9, 2}, {41, 7, 301, 5}, {88, 3, 6, 190}};
  page.figure(confusion.svg(), 1);

  page.section("Summary");
  page.table({"metric", "value"}, {{"best validation loss", "1.452"}, {"tokens/s", "48210"}, {"note", "a & b < c"}});
  return page;
}

bool have_chromium() { return testing::run_command("command -v chromium").exit_code == 0; }

std::string check_html(const std::string& arguments) {
  return std::string("/usr/bin/python3 ") + RECUR_SOURCE_DIR + "/scripts/check_html.py " + arguments;
}

TEST(HtmlPageBrowser, SamplePageRendersOfflineInChromium) {
  if (!have_chromium()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const auto dir = testing::fresh_directory("recur_html_page_browser_");
  const auto page_path = dir / "sample.html";
  sample_page().write(page_path);
  const auto result = testing::run_command(check_html(testing::quoted(page_path.string())));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ok   "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("6 svg, 11 series, 6 declared plots"), std::string::npos) << result.output;
  EXPECT_TRUE(std::filesystem::file_size(dir / "sample.png") > 10000) << "screenshot " << (dir / "sample.png");
}

TEST(HtmlPageBrowser, CheckFailsOnErrorsRequestsAndMissingSeries) {
  if (!have_chromium()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const auto dir = testing::fresh_directory("recur_html_page_browser_bad_");
  LinePlot plot;
  plot.series = {curve("only", {0, 1}, {0, 1})};
  const std::string svg = plot.svg();
  // Each page breaks one rule; the script must name it.
  testing::write_file(dir / "console.html", "<!DOCTYPE html><html><body>" + svg +
                                                "<script>console.error('broken on purpose')</script></body></html>");
  testing::write_file(dir / "network.html", "<!DOCTYPE html><html><body>" + svg +
                                                "<img src=\"https://example.invalid/x.png\"></body></html>");
  testing::write_file(dir / "series.html", "<!DOCTYPE html><html><body><div data-expected-series=\"2\">" + svg +
                                               "</div></body></html>");
  const auto result = testing::run_command(check_html(testing::quoted((dir / "console.html").string()) + " " +
                                                      testing::quoted((dir / "network.html").string()) + " " +
                                                      testing::quoted((dir / "series.html").string())));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("console error: broken on purpose"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("network request: https://example.invalid/x.png"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("a src/href that is not a data: URL"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("expected 2 series, found 1"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("ok   "), std::string::npos) << result.output;
}

TEST(HtmlPageBrowser, ExpectedElementsMustBeShown) {
  if (!have_chromium()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const auto dir = testing::fresh_directory("recur_html_page_browser_element_");
  LinePlot plot;
  plot.series = {curve("only", {0, 1}, {0, 1})};
  testing::write_file(dir / "table.html", "<!DOCTYPE html><html><body>" + plot.svg() +
                                              "<table class=\"outputs\"><tr><td>x</td></tr></table>"
                                              "<span class=\"hidden\" style=\"display:none\">y</span></body></html>");
  const std::string page = testing::quoted((dir / "table.html").string());
  auto result = testing::run_command(check_html("--expect-element 'table.outputs td' " + page));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("1 table.outputs td"), std::string::npos) << result.output;
  result = testing::run_command(check_html("--expect-element 'table.outputs td' --expect-element .hidden "
                                           "--expect-element .absent " + page));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("--expect-element '.hidden' matches only hidden elements (1)"),
            std::string::npos) << result.output;
  EXPECT_NE(result.output.find("no element matches --expect-element '.absent'"),
            std::string::npos) << result.output;
}

}  // namespace
}  // namespace recur
