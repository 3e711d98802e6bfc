#include "recur/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace recur {
namespace {

// Text is measured by an estimate: SVG has no text metrics before rendering.
// The widths are those of DejaVu Sans at 12 px (Debian's sans-serif, wider
// than Arial or Liberation Sans), rounded up, so labels never get clipped.
constexpr double kFontSize = 12;
constexpr double kCharWidth = 7.7;  // a digit
constexpr double kTitleHeight = 30;
constexpr double kAxisLabelHeight = 20;
constexpr const char* kFrameColour = "#888888";
constexpr const char* kGridColour = "#e6e6e6";
constexpr const char* kTextColour = "#222222";

double text_width(std::string_view text) {
  double width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: counted with its first byte
    if (std::string_view("iljtfr.,:;'|!()[] ").find(static_cast<char>(c)) != std::string_view::npos) width += 4.5;
    else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '%' || c == '@') width += 11.5;
    else if (c >= 'A' && c <= 'Z') width += 9.0;
    else width += kCharWidth;
  }
  return width;
}

double max_text_width(const std::vector<std::string>& texts) {
  double widest = 0;
  for (const auto& text : texts) widest = std::max(widest, text_width(text));
  return widest;
}

// Coordinates with two decimals: exact enough for a screen, and the same
// bytes for the same input.
std::string num(double value) {
  std::string text = fmt::format("{:.2f}", value);
  return text == "-0.00" ? "0.00" : text;
}

// A value written beside a bar: 3 significant digits, thousands as k/M/G.
std::string short_value(double value) {
  static const std::array<std::pair<double, const char*>, 3> units = {{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  for (const auto& [unit, suffix] : units)
    if (std::fabs(value) >= unit) return fmt::format("{:.3g}{}", value / unit, suffix);
  return fmt::format("{:.3g}", value);
}

// A legend entry is cut to this many characters (the whole name stays in its
// tooltip), so one long name cannot squeeze the plot area.
constexpr size_t kLegendChars = 28;

std::string shortened(const std::string& text, size_t max_chars) {
  // Byte offsets where UTF-8 characters start.
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= max_chars) return text;
  return text.substr(0, starts[max_chars - 1]) + "\u2026";
}

// `-0` would print as "-0".
double no_negative_zero(double value) { return value == 0 ? 0.0 : value; }

std::string svg_open(double width, double height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"{2}\" fill=\"{3}\">\n"
      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      num(width), num(height), num(kFontSize), kTextColour);
}

// The title, centred on `centre_x` (the middle of the plot area, not of the
// picture, which also holds the legend or the colour bar).
std::string title_text(const std::string& title, double centre_x) {
  if (title.empty()) return {};
  return fmt::format("<text class=\"title\" x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" "
                     "font-weight=\"bold\">{}</text>\n",
                     num(centre_x), escape_xml(title));
}

std::string no_data_svg(const std::string& title, double width, double height) {
  return svg_open(width, height) + title_text(title, width / 2) +
         fmt::format("<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888888\" "
                     "font-size=\"16\">no data</text>\n</svg>\n",
                     num(width / 2), num(height / 2));
}

bool usable(double value, AxisScale scale) {
  return std::isfinite(value) && (scale == AxisScale::Linear || value > 0);
}

// Maps data values of one axis to pixels: [low, high] -> [pixel_low, pixel_high]
// (pixel_high < pixel_low for a y axis, whose pixels grow downwards).
struct AxisMap {
  AxisTicks ticks;
  AxisScale scale;
  double pixel_low;
  double pixel_high;

  double transform(double value) const { return scale == AxisScale::Log10 ? std::log10(value) : value; }
  double operator()(double value) const {
    const double low = transform(ticks.low), high = transform(ticks.high);
    return pixel_low + (transform(value) - low) / (high - low) * (pixel_high - pixel_low);
  }
};

// The range of the usable values, or false when there is none.
struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
  bool empty() const { return !(low <= high); }
};

// Light to dark blue (ColorBrewer "Blues"): counts read as darkness.
std::string blues(double t) {
  static const std::array<std::array<double, 3>, 5> stops = {
      {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const double position = t * (stops.size() - 1);
  const size_t index = std::min(static_cast<size_t>(position), stops.size() - 2);
  const double f = position - static_cast<double>(index);
  std::array<int, 3> rgb{};
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(std::lround(stops[index][c] + f * (stops[index + 1][c] - stops[index][c])));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

// 1, 2 or 5 times a power of ten, the smallest such step >= raw.
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  const double factor = residual <= 1 + 1e-9 ? 1 : residual <= 2 + 1e-9 ? 2 : residual <= 5 + 1e-9 ? 5 : 10;
  return factor * magnitude;
}

void add_tick(AxisTicks& ticks, double value, double step) {
  ticks.values.push_back(no_negative_zero(value));
  ticks.labels.push_back(format_tick(value, step));
}

AxisTicks linear_ticks(double low, double high, bool extend, int target_count) {
  AxisTicks ticks;
  const double step = nice_step((high - low) / std::max(1, target_count - 1));
  const double first = std::ceil(low / step - 1e-9), last = std::floor(high / step + 1e-9);
  ticks.low = extend ? std::floor(low / step + 1e-9) * step : low;
  ticks.high = extend ? std::ceil(high / step - 1e-9) * step : high;
  const double from = extend ? std::floor(low / step + 1e-9) : first;
  const double to = extend ? std::ceil(high / step - 1e-9) : last;
  for (double k = from; k <= to + 0.5; k += 1) add_tick(ticks, k * step, step);
  return ticks;
}

AxisTicks log_ticks(double low, double high, bool extend, int target_count) {
  const double decades = std::log10(high) - std::log10(low);
  if (decades < 1) {
    // Within one decade, decades would give at most one tick: nice linear
    // steps instead, placed on the log axis.
    AxisTicks ticks = linear_ticks(low, high, extend, target_count);
    if (ticks.low <= 0) {
      ticks.low = low;
      while (!ticks.values.empty() && ticks.values.front() <= 0) {
        ticks.values.erase(ticks.values.begin());
        ticks.labels.erase(ticks.labels.begin());
      }
    }
    return ticks;
  }
  AxisTicks ticks;
  const int first_decade = static_cast<int>(std::floor(std::log10(low) + 1e-9));
  const int last_decade = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
  if (decades < 2) {
    // 1, 2 and 5 in each decade.
    std::vector<double> candidates;
    for (int e = first_decade - 1; e <= last_decade; ++e)
      for (double m : {1.0, 2.0, 5.0}) candidates.push_back(m * std::pow(10.0, e));
    ticks.low = low;
    ticks.high = high;
    if (extend) {
      for (double c : candidates)
        if (c <= low * (1 + 1e-9)) ticks.low = c;
      for (auto it = candidates.rbegin(); it != candidates.rend(); ++it)
        if (*it >= high * (1 - 1e-9)) ticks.high = *it;
    }
    for (double c : candidates)
      if (c >= ticks.low * (1 - 1e-9) && c <= ticks.high * (1 + 1e-9))
        add_tick(ticks, c, std::pow(10.0, std::floor(std::log10(c) + 1e-9)));
    return ticks;
  }
  const int every = std::max(1, static_cast<int>(std::ceil((last_decade - first_decade) / double(target_count))));
  ticks.low = extend ? std::pow(10.0, first_decade) : low;
  ticks.high = extend ? std::pow(10.0, last_decade) : high;
  for (int e = first_decade; e <= last_decade; ++e) {
    const double value = std::pow(10.0, e);
    if (e % every == 0 && value >= ticks.low * (1 - 1e-9) && value <= ticks.high * (1 + 1e-9))
      add_tick(ticks, value, value);
  }
  return ticks;
}

// The frame of a plot with axes: its plot area in pixels.
struct PlotArea {
  double left, top, width, height;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

std::string plot_area_rect(const PlotArea& area) {
  return fmt::format("<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                     "stroke=\"{}\"/>\n",
                     num(area.left), num(area.top), num(area.width), num(area.height), kFrameColour);
}

// Grid lines and tick labels of an x axis (below the area) or a y axis (left of it).
std::string axis_marks(const AxisMap& map, const PlotArea& area, bool is_x) {
  std::string out;
  for (size_t i = 0; i < map.ticks.values.size(); ++i) {
    const double p = map(map.ticks.values[i]);
    if (is_x) {
      out += fmt::format("<line class=\"grid x\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n", num(p),
                         num(area.top), num(area.bottom()), kGridColour);
      out += fmt::format("<text class=\"tick x\" data-value=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                         map.ticks.values[i], num(p), num(area.bottom() + 16), escape_xml(map.ticks.labels[i]));
    } else {
      out += fmt::format("<line class=\"grid y\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\"/>\n",
                         num(area.left), num(p), num(area.right()), kGridColour);
      out += fmt::format("<text class=\"tick y\" data-value=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                         map.ticks.values[i], num(area.left - 6), num(p + 4), escape_xml(map.ticks.labels[i]));
    }
  }
  return out;
}

std::string x_axis_label(const std::string& label, const PlotArea& area) {
  if (label.empty()) return {};
  return fmt::format("<text class=\"axis-label x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     num(area.left + area.width / 2), num(area.bottom() + 36), escape_xml(label));
}

std::string y_axis_label(const std::string& label, const PlotArea& area, double x) {
  if (label.empty()) return {};
  const double y = area.top + area.height / 2;
  return fmt::format("<text class=\"axis-label y\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
                     num(x), num(y), escape_xml(label));
}

std::string colour_or_palette(const std::string& colour, size_t index) {
  return colour.empty() ? series_colour(index) : colour;
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string series_colour(size_t index) {
  // Tableau 10: distinct for the colour-blind in its first few entries.
  static const std::array<const char*, 10> palette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return palette[index % palette.size()];
}

std::string format_tick(double value, double step) {
  step = std::fabs(step) > 0 && std::isfinite(step) ? std::fabs(step) : std::fabs(value);
  const auto decimals_for = [](double s) { return std::clamp(static_cast<int>(-std::floor(std::log10(s) + 1e-9)), 0, 12); };
  if (!std::isfinite(value)) return "";
  // 0 keeps the decimals of its neighbours (0.0, 0.5, 1.0), except beside tiny steps.
  if (value == 0) return step >= 1e-3 ? fmt::format("{:.{}f}", 0.0, decimals_for(step)) : "0";
  const double magnitude = std::fabs(value);
  if (magnitude < 1e-3) {
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude) + 1e-9));
    const double scale = std::pow(10.0, exponent);
    return fmt::format("{:.{}f}e{}", value / scale, decimals_for(step / scale), exponent);
  }
  static const std::array<std::pair<double, const char*>, 3> units = {{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  for (const auto& [unit, suffix] : units)
    if (magnitude >= unit) return fmt::format("{:.{}f}{}", value / unit, decimals_for(step / unit), suffix);
  return fmt::format("{:.{}f}", value, decimals_for(step));
}

AxisTicks axis_ticks(double data_min, double data_max, AxisScale scale, bool extend_to_ticks, int target_count) {
  double low = data_min, high = data_max;
  if (low > high) std::swap(low, high);
  const bool log = scale == AxisScale::Log10;
  if (!std::isfinite(low) || !std::isfinite(high) || (log && high <= 0)) {
    low = log ? 1 : 0;
    high = log ? 10 : 1;
  }
  if (log && low <= 0) low = high / 10;
  if (low == high) {
    if (log) {
      low /= 2;
      high *= 2;
    } else {
      const double half = low == 0 ? 1 : std::fabs(low) * 0.1;
      low -= half;
      high += half;
    }
  }
  target_count = std::max(2, target_count);
  return log ? log_ticks(low, high, extend_to_ticks, target_count)
             : linear_ticks(low, high, extend_to_ticks, target_count);
}

std::string LinePlot::svg() const {
  const double w = width, h = height;
  Range x_range, y_range;
  for (const auto& s : series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i)
      if (usable(s.x[i], x_axis.scale) && usable(s.y[i], y_axis.scale)) {
        x_range.add(s.x[i]);
        y_range.add(s.y[i]);
      }
  }
  for (const auto& e : events)
    for (size_t i = 0; i < e.x.size(); ++i) {
      if (!usable(e.x[i], x_axis.scale)) continue;
      if (e.y.empty()) {
        x_range.add(e.x[i]);
      } else if (i < e.y.size() && usable(e.y[i], y_axis.scale)) {
        x_range.add(e.x[i]);
        y_range.add(e.y[i]);
      }
    }
  if (x_range.empty() || y_range.empty()) return no_data_svg(title, w, h);

  AxisMap x_map{axis_ticks(x_range.low, x_range.high, x_axis.scale, false), x_axis.scale, 0, 0};
  AxisMap y_map{axis_ticks(y_range.low, y_range.high, y_axis.scale, true), y_axis.scale, 0, 0};

  // Legend entries: every series, then every event kind.
  std::vector<std::string> legend_names;
  for (const auto& s : series) legend_names.push_back(shortened(s.name, kLegendChars));
  for (const auto& e : events) legend_names.push_back(shortened(e.name, kLegendChars));
  const double legend_width = legend_names.empty() ? 0 : 34 + max_text_width(legend_names);
  const double last_x_label = x_map.ticks.labels.empty() ? 0 : text_width(x_map.ticks.labels.back());

  PlotArea area{};
  area.left = 12 + max_text_width(y_map.ticks.labels) + (y_axis.label.empty() ? 0 : kAxisLabelHeight);
  area.top = title.empty() ? 14 : kTitleHeight + 8;
  const double right_margin = std::max({16.0, last_x_label / 2 + 6, legend_width + 20});
  area.width = std::max(40.0, w - area.left - right_margin);
  const double bottom_margin = 26 + (x_axis.label.empty() ? 0 : kAxisLabelHeight);
  area.height = std::max(40.0, h - area.top - bottom_margin);
  x_map.pixel_low = area.left;
  x_map.pixel_high = area.right();
  y_map.pixel_low = area.bottom();
  y_map.pixel_high = area.top;

  std::string out = svg_open(w, h) + title_text(title, area.left + area.width / 2);
  out += axis_marks(x_map, area, true) + axis_marks(y_map, area, false);
  out += plot_area_rect(area);
  out += x_axis_label(x_axis.label, area) + y_axis_label(y_axis.label, area, 16);

  for (size_t s = 0; s < series.size(); ++s) {
    const LineSeries& line = series[s];
    const std::string colour = colour_or_palette(line.colour, s);
    std::string d, dots;
    size_t run = 0;  // points in the current piece of the line
    const size_t n = std::min(line.x.size(), line.y.size());
    for (size_t i = 0; i <= n; ++i) {
      const bool ok = i < n && usable(line.x[i], x_axis.scale) && usable(line.y[i], y_axis.scale);
      if (!ok) {
        // A piece of one point has no length: h0 with a round cap shows it as a dot.
        if (run == 1) d += " h0";
        run = 0;
        continue;
      }
      const double px = x_map(line.x[i]), py = y_map(line.y[i]);
      d += fmt::format("{}{}{} {}", d.empty() ? "" : " ", run == 0 ? "M" : "L", num(px), num(py));
      ++run;
      if (line.points || !line.line)
        dots += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\"/>", num(px), num(py));
    }
    if (!line.line) {
      out += fmt::format("<g class=\"series\" data-series=\"{}\" fill=\"{}\" fill-opacity=\"0.7\">{}</g>\n",
                         escape_xml(line.name), colour, dots);
      continue;
    }
    out += fmt::format("<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" "
                       "stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{}/>\n",
                       escape_xml(line.name), d, colour, line.dashed ? " stroke-dasharray=\"6 4\"" : "");
    if (!dots.empty())
      out += fmt::format("<g class=\"points\" data-series=\"{}\" fill=\"{}\">{}</g>\n", escape_xml(line.name), colour,
                         dots);
  }
  for (const auto& e : events) {
    std::string marks;
    for (size_t i = 0; i < e.x.size(); ++i) {
      if (!usable(e.x[i], x_axis.scale)) continue;
      const double px = x_map(e.x[i]);
      if (e.y.empty())
        marks += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", num(px), num(area.bottom()),
                             num(area.bottom() - 8));
      else if (i < e.y.size() && usable(e.y[i], y_axis.scale))
        marks += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\"/>", num(px), num(y_map(e.y[i])));
    }
    out += fmt::format("<g class=\"events\" data-events=\"{}\" stroke=\"{}\" fill=\"none\" stroke-width=\"1.2\">{}</g>\n",
                       escape_xml(e.name), e.colour, marks);
  }

  // The legend, right of the plot area, where it never covers a curve.
  if (!legend_names.empty()) {
    const double lx = area.right() + 14;
    std::string legend = "<g class=\"legend\">\n";
    for (size_t i = 0; i < legend_names.size(); ++i) {
      const double ly = area.top + 8 + 18 * static_cast<double>(i);
      if (i < series.size() && !series[i].line) {
        legend += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"/>", num(lx + 11), num(ly),
                              colour_or_palette(series[i].colour, i));
      } else if (i < series.size()) {
        legend += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2.5\"{4}/>",
                              num(lx), num(lx + 22), num(ly), colour_or_palette(series[i].colour, i),
                              series[i].dashed ? " stroke-dasharray=\"6 4\"" : "");
      } else {
        const EventMarks& e = events[i - series.size()];
        legend += e.y.empty() ? fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" "
                                            "stroke-width=\"1.2\"/>",
                                            num(lx + 11), num(ly + 5), num(ly - 5), e.colour)
                              : fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"none\" stroke=\"{}\"/>",
                                            num(lx + 11), num(ly), e.colour);
      }
      const std::string& full_name = i < series.size() ? series[i].name : events[i - series.size()].name;
      legend += fmt::format("<text x=\"{}\" y=\"{}\">{}{}</text>\n", num(lx + 28), num(ly + 4),
                            full_name != legend_names[i] ? "<title>" + escape_xml(full_name) + "</title>" : "",
                            escape_xml(legend_names[i]));
    }
    out += legend + "</g>\n";
  }
  return out + "</svg>\n";
}

std::string BarChart::svg() const {
  size_t drawable = 0;
  Range value_range;
  value_range.add(0);  // bars start at 0
  for (const auto& s : series)
    for (size_t c = 0; c < std::min(s.values.size(), categories.size()); ++c)
      if (std::isfinite(s.values[c])) {
        value_range.add(s.values[c]);
        ++drawable;
      }
  if (value_max > 0) value_range.add(value_max);
  const size_t groups = std::max<size_t>(1, series.size());
  const double bar = 16, gap = 8, legend_height = series.size() > 1 ? 22 : 0;
  const double top = (title.empty() ? 14 : kTitleHeight + 6) + legend_height;
  const double bottom_margin = 26 + (value_label.empty() ? 0 : kAxisLabelHeight);
  const double w = width;
  const double h = height > 0 ? height
                              : top + bottom_margin +
                                    static_cast<double>(categories.size()) * (static_cast<double>(groups) * bar + gap) + gap;
  if (drawable == 0) return no_data_svg(title, w, std::max(h, 120.0));

  AxisMap x_map{axis_ticks(value_range.low, value_range.high, AxisScale::Linear, true), AxisScale::Linear, 0, 0};
  const double value_text = show_values ? 8 + kCharWidth * 5 : 0;
  PlotArea area{};
  area.left = 12 + max_text_width(categories);
  area.top = top;
  area.width = std::max(40.0, w - area.left - std::max(16.0, value_text));
  area.height = std::max(20.0, h - top - bottom_margin);
  x_map.pixel_low = area.left;
  x_map.pixel_high = area.right();
  const double band = area.height / static_cast<double>(categories.size());
  const double bar_height = std::min(bar, (band - gap) / static_cast<double>(groups));

  std::string out = svg_open(w, h) + title_text(title, area.left + area.width / 2);
  out += axis_marks(x_map, area, true);
  out += plot_area_rect(area);
  out += x_axis_label(value_label, area);
  for (size_t c = 0; c < categories.size(); ++c)
    out += fmt::format("<text class=\"category\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                       num(area.left - 6), num(area.top + band * (static_cast<double>(c) + 0.5) + 4),
                       escape_xml(categories[c]));
  const double zero = x_map(0);
  for (size_t s = 0; s < series.size(); ++s) {
    const std::string colour = colour_or_palette(series[s].colour, s);
    std::string bars, labels;
    for (size_t c = 0; c < std::min(series[s].values.size(), categories.size()); ++c) {
      const double value = series[s].values[c];
      if (!std::isfinite(value)) continue;
      const double end = x_map(value);
      const double y = area.top + band * static_cast<double>(c) + (band - bar_height * static_cast<double>(groups)) / 2 +
                       bar_height * static_cast<double>(s);
      bars += fmt::format("<rect class=\"bar\" data-category=\"{}\" data-value=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
                          "height=\"{}\"/>",
                          escape_xml(categories[c]), value, num(std::min(zero, end)), num(y),
                          num(std::fabs(end - zero)), num(bar_height - 1));
      if (show_values)
        labels += fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"11\">{}</text>",
                              num(value < 0 ? end - 4 : end + 4), num(y + bar_height / 2 + 3),
                              value < 0 ? "end" : "start", escape_xml(short_value(value)));
    }
    out += fmt::format("<g class=\"series\" data-series=\"{}\" fill=\"{}\">{}</g>\n", escape_xml(series[s].name),
                       colour, bars);
    if (!labels.empty()) out += "<g class=\"values\">" + labels + "</g>\n";
  }
  if (series.size() > 1) {
    std::string legend = "<g class=\"legend\">";
    double lx = area.left;
    const double ly = top - legend_height + 4;
    for (size_t s = 0; s < series.size(); ++s) {
      legend += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                            num(lx), num(ly), colour_or_palette(series[s].colour, s), num(lx + 17), num(ly + 10),
                            escape_xml(series[s].name));
      lx += 32 + text_width(series[s].name);
    }
    out += legend + "</g>\n";
  }
  return out + "</svg>\n";
}

std::string HeatMap::svg() const {
  const size_t rows = values.size();
  size_t columns = 0;
  for (const auto& row : values) columns = std::max(columns, row.size());
  if (!row_labels.empty() && row_labels.size() != rows)
    throw std::invalid_argument(
        fmt::format("HeatMap \"{}\": {} row labels for {} rows of values", title, row_labels.size(), rows));
  if (!column_labels.empty() && column_labels.size() != columns)
    throw std::invalid_argument(fmt::format("HeatMap \"{}\": {} column labels for {} columns of values", title,
                                            column_labels.size(), columns));
  Range range;
  bool whole = true;
  for (const auto& row : values)
    for (double v : row)
      if (std::isfinite(v)) {
        range.add(v);
        whole = whole && v == std::floor(v);
      }
  const double default_width = 720;
  if (range.empty()) return no_data_svg(title, width > 0 ? width : default_width, height > 0 ? height : 200);

  const int decimals = value_decimals >= 0 ? value_decimals : (whole ? 0 : 2);
  const auto value_text = [&](double v) { return fmt::format("{:.{}f}", v, decimals); };
  const std::string low_text = value_text(range.low), high_text = value_text(range.high);

  // Column labels turn by 45 degrees when they are wider than a cell.
  // Cells as wide as the column labels (up to a limit), so that they stay level.
  const double natural_cell =
      columns > 24 ? 16 : std::clamp(max_text_width(column_labels) + 10, show_values ? 40.0 : 28.0, 64.0);
  const double top = title.empty() ? 14 : kTitleHeight + 8;
  const double left = 12 + max_text_width(row_labels) + (row_label.empty() ? 0 : kAxisLabelHeight);
  const double colour_bar = 16 + 14 + 6 + kCharWidth * static_cast<double>(std::max(low_text.size(), high_text.size())) + 10;
  const double column_text = max_text_width(column_labels);
  // The title (15 px bold) must fit over the cells.
  const double title_width = text_width(title) * 1.35;
  const double w = width > 0 ? width
                             : left + std::max(natural_cell * static_cast<double>(columns), title_width) + colour_bar;
  const double cell_w = (w - left - colour_bar) / static_cast<double>(columns);
  const bool turned = column_text > cell_w - 4;
  const double bottom_margin = (turned ? column_text * 0.72 + 20 : 24) + (column_label.empty() ? 0 : kAxisLabelHeight);
  const double h = height > 0 ? height : top + natural_cell * static_cast<double>(rows) + bottom_margin;
  const double cell_h = std::max(1.0, (h - top - bottom_margin) / static_cast<double>(rows));
  const PlotArea area{left, top, cell_w * static_cast<double>(columns), cell_h * static_cast<double>(rows)};
  const bool values_fit = show_values && cell_h >= 14 &&
                          cell_w >= kCharWidth * static_cast<double>(std::max(low_text.size(), high_text.size())) + 4;
  const auto shade = [&](double v) { return range.high > range.low ? (v - range.low) / (range.high - range.low) : 0.0; };

  std::string out = svg_open(w, h) + title_text(title, area.left + area.width / 2);
  std::string cells, texts;
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < values[r].size(); ++c) {
      const double v = values[r][c];
      if (!std::isfinite(v)) continue;
      const double x = area.left + cell_w * static_cast<double>(c), y = area.top + cell_h * static_cast<double>(r);
      const std::string row_name = r < row_labels.size() ? row_labels[r] : std::to_string(r);
      const std::string column_name = c < column_labels.size() ? column_labels[c] : std::to_string(c);
      cells += fmt::format("<rect class=\"cell\" data-row=\"{}\" data-column=\"{}\" data-value=\"{}\" x=\"{}\" y=\"{}\" "
                           "width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}, {} {}: {}</title></rect>\n",
                           r, c, v, num(x), num(y), num(cell_w), num(cell_h), blues(shade(v)),
                           escape_xml(row_label), escape_xml(row_name), escape_xml(column_label),
                           escape_xml(column_name), value_text(v));
      if (values_fit)
        texts += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>", num(x + cell_w / 2),
                             num(y + cell_h / 2 + 4), shade(v) > 0.55 ? "#ffffff" : kTextColour, value_text(v));
    }
  out += fmt::format("<g class=\"series\" data-series=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n{}</g>\n",
                     escape_xml(name), cells);
  if (!texts.empty()) out += "<g class=\"values\" font-size=\"11\">" + texts + "</g>\n";
  out += plot_area_rect(area);
  for (size_t r = 0; r < row_labels.size(); ++r)
    out += fmt::format("<text class=\"row-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                       num(area.left - 6), num(area.top + cell_h * (static_cast<double>(r) + 0.5) + 4),
                       escape_xml(row_labels[r]));
  for (size_t c = 0; c < column_labels.size(); ++c) {
    const double x = area.left + cell_w * (static_cast<double>(c) + 0.5), y = area.bottom() + 16;
    out += turned ? fmt::format("<text class=\"column-label\" x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                                "transform=\"rotate(-45 {0} {1})\">{2}</text>\n",
                                num(x + 4), num(y - 6), escape_xml(column_labels[c]))
                  : fmt::format("<text class=\"column-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                                num(x), num(y), escape_xml(column_labels[c]));
  }
  if (!column_label.empty())
    out += fmt::format("<text class=\"axis-label x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       num(area.left + area.width / 2), num(h - 8), escape_xml(column_label));
  out += y_axis_label(row_label, area, 16);

  // The colour bar: stacked bands from the lowest value (bottom) to the highest.
  constexpr int kBands = 24;
  const double bx = area.right() + 16, band_h = area.height / kBands;
  std::string bands;
  for (int i = 0; i < kBands; ++i)
    bands += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"{}\" fill=\"{}\"/>", num(bx),
                         num(area.bottom() - band_h * (i + 1)), num(band_h + 0.5), blues((i + 0.5) / kBands));
  out += "<g class=\"colour-bar\">" + bands +
         fmt::format("<text x=\"{0}\" y=\"{1}\">{2}</text><text x=\"{0}\" y=\"{3}\">{4}</text></g>\n", num(bx + 20),
                     num(area.top + 10), escape_xml(high_text), num(area.bottom()), escape_xml(low_text));
  return out + "</svg>\n";
}

std::string GreyImage::svg() const {
  if (side < 1 || values.size() != static_cast<size_t>(side) * static_cast<size_t>(side))
    throw std::invalid_argument(fmt::format("GreyImage: {} values for a side of {}", values.size(), side));
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double range = *high - *low;
  const double size = static_cast<double>(side * cell);
  std::string out = svg_open(size, size) + "<g class=\"series\" data-series=\"image\">";
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      const double v = values[static_cast<size_t>(r * side + c)];
      const int grey = range > 0 ? static_cast<int>(std::lround(255 * (1 - (v - *low) / range))) : 255;
      out += fmt::format("<rect class=\"pixel\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{:02x}{:02x}{:02x}\"/>", c * cell,
                         r * cell, cell, cell, grey, grey, grey);
    }
  return out + "</g>\n</svg>\n";
}

}  // namespace recur
