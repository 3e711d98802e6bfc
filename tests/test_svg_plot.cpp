// The SVG plotting module, checked by reading its output back: attributes and
// path coordinates are parsed with regular expressions and compared with
// values computed by hand, never with a stored copy of the output.
#include "recur/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "plot_series.h"

namespace recur {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The opening tags (<name ...>) of `text` that contain `marker`.
std::vector<std::string> tags_with(const std::string& text, const std::string& marker) {
  std::vector<std::string> tags;
  const std::regex tag("<[a-z]+ [^>]*>");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tag); it != std::sregex_iterator(); ++it)
    if (it->str().find(marker) != std::string::npos) tags.push_back(it->str());
  return tags;
}

std::string attribute(const std::string& tag, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(tag, m, std::regex(" " + name + "=\"([^\"]*)\""))) return "";
  return m[1];
}

double number_attribute(const std::string& tag, const std::string& name) {
  const std::string text = attribute(tag, name);
  EXPECT_FALSE(text.empty()) << name << " missing in " << tag;
  return text.empty() ? kNaN : std::stod(text);
}

struct Rect {
  double x, y, width, height;
};

Rect plot_area(const std::string& svg) {
  const auto tags = tags_with(svg, "class=\"plot-area\"");
  EXPECT_EQ(tags.size(), 1u);
  if (tags.empty()) return {kNaN, kNaN, kNaN, kNaN};
  return {number_attribute(tags[0], "x"), number_attribute(tags[0], "y"), number_attribute(tags[0], "width"),
          number_attribute(tags[0], "height")};
}

// The pieces of a path's d: each piece starts at an M, its points follow.
using Piece = std::vector<std::pair<double, double>>;
std::vector<Piece> path_pieces(const std::string& d) {
  std::vector<Piece> pieces;
  const std::regex command("([ML])(-?[0-9.]+) (-?[0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), command); it != std::sregex_iterator(); ++it) {
    if ((*it)[1] == "M") pieces.emplace_back();
    pieces.back().emplace_back(std::stod((*it)[2]), std::stod((*it)[3]));
  }
  return pieces;
}

std::vector<Piece> series_pieces(const std::string& svg, const std::string& name) {
  const auto tags = tags_with(svg, "data-series=\"" + name + "\"");
  EXPECT_FALSE(tags.empty()) << "no series " << name;
  return tags.empty() ? std::vector<Piece>{} : path_pieces(attribute(tags[0], "d"));
}

// Tick value -> pixel position of the y axis, from the tick labels (whose
// baseline sits 4 px below the tick).
std::map<double, double> y_ticks(const std::string& svg) {
  std::map<double, double> ticks;
  for (const auto& tag : tags_with(svg, "class=\"tick y\""))
    ticks[number_attribute(tag, "data-value")] = number_attribute(tag, "y") - 4;
  return ticks;
}

using testing::bars;
using testing::line;

bool is_nice_step(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 || std::fabs(mantissa - 5) < 1e-6;
}

TEST(SvgPlotTicks, LinearRangesGetOneTwoFiveSteps) {
  AxisTicks t = axis_ticks(0.13, 0.87, AxisScale::Linear, true);
  EXPECT_DOUBLE_EQ(t.low, 0.0);
  EXPECT_DOUBLE_EQ(t.high, 1.0);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_NEAR(t.values[2], 0.4, 1e-12);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}));

  t = axis_ticks(3, 97, AxisScale::Linear, true);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0", "20", "40", "60", "80", "100"}));

  t = axis_ticks(-1.5, 2.5, AxisScale::Linear, true);
  EXPECT_DOUBLE_EQ(t.low, -2);
  EXPECT_DOUBLE_EQ(t.high, 3);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"-2", "-1", "0", "1", "2", "3"}));

  // Without extension the range is the data's and only ticks inside it show.
  t = axis_ticks(0, 12345, AxisScale::Linear, false);
  EXPECT_DOUBLE_EQ(t.high, 12345);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0", "5k", "10k"}));

  // One value: a small range around it.
  t = axis_ticks(5, 5, AxisScale::Linear, true);
  EXPECT_LT(t.low, 5);
  EXPECT_GT(t.high, 5);
}

TEST(SvgPlotTicks, RandomRangesAreCoveredByEvenNiceTicks) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> exponent(-6, 7), unit(-1, 1);
  for (int trial = 0; trial < 500; ++trial) {
    const double scale = std::pow(10.0, exponent(rng));
    double a = unit(rng) * scale, b = unit(rng) * scale;
    if (a > b) std::swap(a, b);
    if (b - a < 1e-9 * scale) continue;
    const AxisTicks t = axis_ticks(a, b, AxisScale::Linear, true);
    ASSERT_GE(t.values.size(), 3u) << a << " " << b;
    ASSERT_LE(t.values.size(), 7u) << a << " " << b;
    const double step = t.values[1] - t.values[0];
    EXPECT_TRUE(is_nice_step(step)) << step;
    for (size_t i = 1; i < t.values.size(); ++i) EXPECT_NEAR(t.values[i] - t.values[i - 1], step, 1e-9 * step);
    EXPECT_LE(t.low, a);
    EXPECT_GE(t.high, b);
    EXPECT_DOUBLE_EQ(t.values.front(), t.low);
    EXPECT_NEAR(t.values.back(), t.high, 1e-9 * step);
    EXPECT_EQ(t.labels.size(), t.values.size());
  }
}

TEST(SvgPlotTicks, LogAxesUseDecades) {
  AxisTicks t = axis_ticks(0.003, 250, AxisScale::Log10, true);
  EXPECT_DOUBLE_EQ(t.low, 1e-3);
  EXPECT_DOUBLE_EQ(t.high, 1e3);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0.001", "0.01", "0.1", "1", "10", "100", "1k"}));

  // Twelve decades: every second one.
  t = axis_ticks(1, 1e12, AxisScale::Log10, true);
  ASSERT_EQ(t.values.size(), 7u);
  for (size_t i = 0; i < t.values.size(); ++i) EXPECT_NEAR(std::log10(t.values[i]), 2.0 * i, 1e-9);

  // Less than two decades: 1, 2, 5 of each.
  t = axis_ticks(0.5, 20, AxisScale::Log10, true);
  EXPECT_DOUBLE_EQ(t.low, 0.5);
  EXPECT_DOUBLE_EQ(t.high, 20);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0.5", "1", "2", "5", "10", "20"}));

  // Inside one decade: linear nice steps.
  // (1.87 - 1.23) / 5 = 0.128 -> steps of 0.2.
  t = axis_ticks(1.23, 1.87, AxisScale::Log10, true);
  EXPECT_NEAR(t.low, 1.2, 1e-12);
  EXPECT_NEAR(t.high, 2.0, 1e-12);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"1.2", "1.4", "1.6", "1.8", "2.0"}));

  // Tiny values.
  t = axis_ticks(2e-6, 3e-3, AxisScale::Log10, true);
  EXPECT_EQ(t.labels.front(), "1e-6");
  EXPECT_EQ(t.labels.back(), "0.01");
}

TEST(SvgPlotTicks, LabelsHaveTheDecimalsOfTheirStep) {
  EXPECT_EQ(format_tick(0.05, 0.05), "0.05");
  EXPECT_EQ(format_tick(2, 1), "2");
  EXPECT_EQ(format_tick(2, 0.5), "2.0");
  EXPECT_EQ(format_tick(20000, 5000), "20k");
  EXPECT_EQ(format_tick(1500000, 500000), "1.5M");
  EXPECT_EQ(format_tick(3e9, 1e9), "3G");
  EXPECT_EQ(format_tick(1e-5, 1e-5), "1e-5");
  EXPECT_EQ(format_tick(2.5e-5, 5e-6), "2.5e-5");
  EXPECT_EQ(format_tick(-0.4, 0.2), "-0.4");
}

TEST(SvgPlotLine, PointsMapOntoThePlotArea) {
  LinePlot plot;
  plot.series = {line("loss", {10, 20, 30, 40}, {1.0, 2.5, 3.0, 4.0})};
  const std::string svg = plot.svg();
  const Rect area = plot_area(svg);
  const auto pieces = series_pieces(svg, "loss");
  ASSERT_EQ(pieces.size(), 1u);
  ASSERT_EQ(pieces[0].size(), 4u);
  // x: the data range exactly, first point on the left edge, last on the right.
  EXPECT_NEAR(pieces[0].front().first, area.x, 0.01);
  EXPECT_NEAR(pieces[0].back().first, area.x + area.width, 0.01);
  EXPECT_NEAR(pieces[0][1].first, area.x + area.width / 3, 0.01);
  // y: linear between the tick positions; the axis ends on ticks (the frame).
  const auto ticks = y_ticks(svg);
  ASSERT_GE(ticks.size(), 2u);
  const auto [v0, p0] = *ticks.begin();
  const auto [v1, p1] = *ticks.rbegin();
  EXPECT_NEAR(p0, area.y + area.height, 0.01);
  EXPECT_NEAR(p1, area.y, 0.01);
  const std::vector<double> ys = {1.0, 2.5, 3.0, 4.0};
  for (size_t i = 0; i < ys.size(); ++i)
    EXPECT_NEAR(pieces[0][i].second, p0 + (ys[i] - v0) / (v1 - v0) * (p1 - p0), 0.01) << i;
}

TEST(SvgPlotLine, ScatterSeriesArePointsOnly) {
  LinePlot plot;
  LineSeries scatter = line("forget gate", {0.0, 0.5, 1.0}, {1.0, 0.25, 0.0});
  scatter.line = false;
  plot.series = {scatter, line("diagonal", {0, 1}, {1, 0})};
  const std::string svg = plot.svg();
  const Rect area = plot_area(svg);
  // One group of circles, no path, for the scatter; the line stays a path.
  const auto group = tags_with(svg, "class=\"series\" data-series=\"forget gate\"");
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(group[0].rfind("<g ", 0), 0u) << group[0];
  EXPECT_EQ(tags_with(svg, "<path class=\"series\" data-series=\"forget gate\"").size(), 0u);
  EXPECT_EQ(tags_with(svg, "<path class=\"series\" data-series=\"diagonal\"").size(), 1u);
  const size_t start = svg.find(group[0]), end = svg.find("</g>", start);
  const std::string circles = svg.substr(start, end - start);
  std::vector<std::pair<double, double>> centres;
  for (const auto& tag : tags_with(circles, "<circle "))
    centres.emplace_back(number_attribute(tag, "cx"), number_attribute(tag, "cy"));
  ASSERT_EQ(centres.size(), 3u);
  // x spans the area; y = 1 is the top tick and 0 the bottom one (range [0, 1]).
  EXPECT_NEAR(centres[0].first, area.x, 0.01);
  EXPECT_NEAR(centres[2].first, area.x + area.width, 0.01);
  EXPECT_NEAR(centres[1].first, area.x + area.width / 2, 0.01);
  EXPECT_NEAR(centres[0].second, area.y, 0.01);
  EXPECT_NEAR(centres[2].second, area.y + area.height, 0.01);
  EXPECT_NEAR(centres[1].second, area.y + 0.75 * area.height, 0.01);
}

TEST(SvgPlotLine, LogAxisPlacesDecadesEvenly) {
  LinePlot plot;
  plot.y_axis.scale = AxisScale::Log10;
  plot.x_axis.scale = AxisScale::Log10;
  plot.series = {line("lr", {1, 10, 100}, {1, 10, 100})};
  const std::string svg = plot.svg();
  const auto pieces = series_pieces(svg, "lr");
  ASSERT_EQ(pieces.size(), 1u);
  ASSERT_EQ(pieces[0].size(), 3u);
  const auto& p = pieces[0];
  EXPECT_NEAR(p[1].first - p[0].first, p[2].first - p[1].first, 0.02);
  EXPECT_NEAR(p[1].second - p[0].second, p[2].second - p[1].second, 0.02);
  EXPECT_LT(p[2].second, p[0].second);  // larger values higher up
  // Tick 10 is at the height of the point y = 10.
  EXPECT_NEAR(y_ticks(svg).at(10), p[1].second, 0.01);
}

TEST(SvgPlotLine, EverySeriesIsOneElementNamedForTheBrowserCheck) {
  LinePlot plot;
  plot.title = "learning curves";
  plot.series = {line("train", {0, 1, 2}, {3, 2, 1}), line("validation", {0, 2}, {3.1, 1.5}, true, true),
                 line("smoothed", {0, 2}, {3, 1})};
  EventMarks clipped;
  clipped.name = "clipped";
  clipped.x = {1};
  plot.events = {clipped};
  const std::string svg = plot.svg();
  EXPECT_EQ(count_matches(svg, "class=\"series\""), 3u);
  for (const char* name : {"train", "validation", "smoothed"})
    EXPECT_EQ(tags_with(svg, std::string("class=\"series\" data-series=\"") + name + "\"").size(), 1u) << name;
  EXPECT_EQ(tags_with(svg, "data-events=\"clipped\"").size(), 1u);
  // The dashed validation series with its points.
  EXPECT_EQ(attribute(tags_with(svg, "class=\"series\" data-series=\"validation\"")[0], "stroke-dasharray"), "6 4");
  EXPECT_EQ(count_matches(svg, "<circle "), 2u);
  // Legend entries for 3 series and the events.
  EXPECT_NE(svg.find(">clipped</text>"), std::string::npos);
  // Root element attributes.
  const auto root = tags_with(svg, "<svg ");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(attribute(root[0], "viewBox"), "0 0 720.00 400.00");
  EXPECT_EQ(attribute(root[0], "width"), "720.00");
}

TEST(SvgPlotLine, LongLegendNamesAreCutNotTheArea) {
  LinePlot plot;
  const std::string long_name = "validation loss of the second run, measured every 500 iterations";
  plot.series = {line("a", {0, 1}, {0, 1})};
  const double area_width = plot_area(plot.svg()).width;
  plot.series = {line(long_name, {0, 1}, {0, 1})};
  const std::string svg = plot.svg();
  // 27 characters and an ellipsis in the legend; the whole name in data-series and the tooltip.
  EXPECT_NE(svg.find(">" + long_name.substr(0, 27) + "\u2026</text>"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"" + long_name + "\""), std::string::npos);
  EXPECT_NE(svg.find("<title>" + long_name + "</title>"), std::string::npos);
  EXPECT_GT(plot_area(svg).width, 0.6 * area_width);
}

TEST(SvgPlotLine, NonFiniteValuesLeaveGaps) {
  LinePlot plot;
  plot.series = {line("loss", {0, 1, 2, 3, 4, 5, 6}, {1, 2, kNaN, 4, 5, kInf, 6})};
  auto pieces = series_pieces(plot.svg(), "loss");
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].size(), 2u);
  EXPECT_EQ(pieces[1].size(), 2u);
  EXPECT_EQ(pieces[2].size(), 1u);

  // On a log axis, values <= 0 are gaps too.
  plot.y_axis.scale = AxisScale::Log10;
  plot.series = {line("loss", {0, 1, 2, 3}, {1, 0, 3, 4})};
  pieces = series_pieces(plot.svg(), "loss");
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[1].size(), 2u);
}

TEST(SvgPlotLine, TextIsEscaped) {
  LinePlot plot;
  plot.title = "a<b & \"c\"";
  plot.x_axis.label = "x'<";
  plot.series = {line("<&\">", {0, 1}, {0, 1})};
  const std::string svg = plot.svg();
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("x&#39;&lt;"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"&lt;&amp;&quot;&gt;\""), std::string::npos);
  // Every < opens a tag and every & starts an entity.
  EXPECT_EQ(count_matches(svg, "<[^a-z/!]"), 0u);
  EXPECT_EQ(count_matches(svg, "&(?!(amp|lt|gt|quot|#39);)"), 0u);
}

TEST(SvgPlotLine, NothingToDrawSaysNoData) {
  LinePlot plot;
  plot.title = "empty";
  std::string svg = plot.svg();
  EXPECT_EQ(count_matches(svg, "class=\"no-data\""), 1u);
  EXPECT_EQ(count_matches(svg, "class=\"series\""), 0u);
  EXPECT_NE(svg.find("viewBox"), std::string::npos);
  plot.series = {line("loss", {0, 1}, {kNaN, kNaN})};
  EXPECT_EQ(count_matches(plot.svg(), "class=\"no-data\""), 1u);
  plot.y_axis.scale = AxisScale::Log10;
  plot.series = {line("loss", {0, 1}, {0, -1})};
  EXPECT_EQ(count_matches(plot.svg(), "class=\"no-data\""), 1u);
}

TEST(SvgPlotLine, SameInputSameBytes) {
  LinePlot plot;
  plot.series = {line("a", {0, 0.1, 0.7}, {1e-3, 2e-2, 5})};
  plot.y_axis.scale = AxisScale::Log10;
  EXPECT_EQ(plot.svg(), plot.svg());
}

TEST(SvgPlotBars, BarLengthsAreProportionalFromZero) {
  BarChart chart;
  chart.title = "F1 per tag";
  chart.categories = {"NOUN", "VERB", "ADJ"};
  chart.series = {bars("dev", {1.0, 0.5, kNaN}), bars("test", {0.25, 0.75, 0.1})};
  chart.value_max = 1;
  const std::string svg = chart.svg();
  EXPECT_EQ(count_matches(svg, "class=\"series\""), 2u);
  const auto bars = tags_with(svg, "class=\"bar\"");
  ASSERT_EQ(bars.size(), 5u);  // the NaN has no bar
  const Rect area = plot_area(svg);
  for (const auto& bar : bars) {
    EXPECT_NEAR(number_attribute(bar, "x"), area.x, 0.01);
    EXPECT_NEAR(number_attribute(bar, "width"), number_attribute(bar, "data-value") * area.width, 0.02) << bar;
  }
  EXPECT_EQ(count_matches(svg, "class=\"category\""), 3u);
  EXPECT_EQ(count_matches(svg, "class=\"value\"[^>]*>0.75</text>"), 1u);
}

TEST(SvgPlotBars, NegativeValuesGoLeftOfZero) {
  BarChart chart;
  chart.categories = {"a", "b"};
  chart.series = {bars("change", {-2, 3})};
  const auto bars = tags_with(chart.svg(), "class=\"bar\"");
  ASSERT_EQ(bars.size(), 2u);
  const double zero = number_attribute(bars[1], "x");
  EXPECT_NEAR(number_attribute(bars[0], "x") + number_attribute(bars[0], "width"), zero, 0.01);
  EXPECT_NEAR(number_attribute(bars[0], "width") / number_attribute(bars[1], "width"), 2.0 / 3.0, 1e-3);
  // Large values beside their bars with a unit suffix.
  chart.series = {testing::bars("tokens/s", {48210, 1.5e6})};
  const std::string svg = chart.svg();
  EXPECT_EQ(count_matches(svg, "class=\"value\"[^>]*>48.2k</text>"), 1u);
  EXPECT_EQ(count_matches(svg, "class=\"value\"[^>]*>1.5M</text>"), 1u);
}

TEST(SvgPlotBars, EmptyChartSaysNoData) {
  BarChart chart;
  EXPECT_EQ(count_matches(chart.svg(), "class=\"no-data\""), 1u);
  chart.categories = {"a"};
  chart.series = {bars("s", {kNaN})};
  EXPECT_EQ(count_matches(chart.svg(), "class=\"no-data\""), 1u);
}

TEST(SvgPlotHeatMap, OneCellPerEntryShadedByValue) {
  HeatMap map;
  map.title = "confusion";
  map.row_label = "actual";
  map.column_label = "predicted";
  map.row_labels = {"a", "b", "c"};
  map.column_labels = {"a", "b", "c", "d"};
  map.values = {{5, 0, 1, 2}, {0, 9, 0, 1}, {3, 0, 7, 0}};
  std::string svg = map.svg();
  const auto cells = tags_with(svg, "class=\"cell\"");
  ASSERT_EQ(cells.size(), 12u);
  EXPECT_EQ(count_matches(svg, "class=\"series\""), 1u);
  EXPECT_EQ(count_matches(svg, "class=\"row-label\""), 3u);
  EXPECT_EQ(count_matches(svg, "class=\"column-label\""), 4u);
  for (const auto& cell : cells) {
    const double v = number_attribute(cell, "data-value");
    if (v == 9) {
      EXPECT_EQ(attribute(cell, "fill"), "#08306b");  // darkest for the largest
    } else if (v == 0) {
      EXPECT_EQ(attribute(cell, "fill"), "#f7fbff");  // lightest for the smallest
    }
  }
  // Cells tile the plot area: row r, column c at x + c*w, y + r*h.
  const Rect area = plot_area(svg);
  for (const auto& cell : cells) {
    const double r = number_attribute(cell, "data-row"), c = number_attribute(cell, "data-column");
    EXPECT_NEAR(number_attribute(cell, "x"), area.x + c * area.width / 4, 0.02);
    EXPECT_NEAR(number_attribute(cell, "y"), area.y + r * area.height / 3, 0.02);
  }
  // Whole numbers are written without decimals inside the cells.
  EXPECT_NE(svg.find(">9</text>"), std::string::npos);

  map.values[1][1] = kNaN;
  EXPECT_EQ(tags_with(map.svg(), "class=\"cell\"").size(), 11u);
}

TEST(SvgPlotHeatMap, LabelsMustMatchTheMatrix) {
  HeatMap map;
  map.row_labels = {"a"};
  map.values = {{1, 2}, {3, 4}};
  EXPECT_THROW(map.svg(), std::invalid_argument);
  map.row_labels = {};
  map.column_labels = {"x", "y", "z"};
  EXPECT_THROW(map.svg(), std::invalid_argument);
}

TEST(SvgPlotHeatMap, EmptyMatrixSaysNoData) {
  HeatMap map;
  EXPECT_EQ(count_matches(map.svg(), "class=\"no-data\""), 1u);
  map.values = {{kNaN}};
  EXPECT_EQ(count_matches(map.svg(), "class=\"no-data\""), 1u);
}

TEST(SvgPlotGreyImage, OnePixelPerValueBlackForTheLargest) {
  // 2 x 2: values 0, 1, 2, 4 row-major; grey = 255 * (1 - (v - 0) / 4).
  const std::string svg = GreyImage{{0, 1, 2, 4}, 2, 5}.svg();
  const auto pixels = tags_with(svg, "class=\"pixel\"");
  ASSERT_EQ(pixels.size(), 4u);
  EXPECT_EQ(count_matches(svg, "class=\"series\" data-series=\"image\""), 1u);
  EXPECT_EQ(attribute(svg.substr(0, svg.find('>') + 1), "width"), "10.00");
  const std::vector<std::string> fills = {"#ffffff", "#bfbfbf", "#808080", "#000000"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(attribute(pixels[i], "fill"), fills[i]) << i;
    EXPECT_EQ(number_attribute(pixels[i], "x"), 5.0 * static_cast<double>(i % 2));
    EXPECT_EQ(number_attribute(pixels[i], "y"), 5.0 * static_cast<double>(i / 2));
  }
  // A constant picture is white; a picture of the wrong size is refused.
  EXPECT_EQ(count_matches(GreyImage{{3, 3, 3, 3}, 2, 1}.svg(), "#ffffff"), 5u);  // 4 pixels and the background
  EXPECT_THROW((GreyImage{{1, 2, 3}, 2, 1}.svg()), std::invalid_argument);
}

}  // namespace
}  // namespace recur
