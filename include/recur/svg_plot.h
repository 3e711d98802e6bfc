// SVG plots: the pictures of `recur report` (learning curves, per-tag bars,
// confusion matrices), drawn as self-contained SVG strings with no script, no
// font file and no external reference, so they can be inlined in one HTML page
// or saved as .svg.
//
// Three kinds of plot, each a plain struct filled by the caller and turned into
// SVG by svg():
//   LinePlot  named series of (x, y) points; linear or log10 axes with "nice"
//             ticks (1-2-5 steps; decades on log axes), axis labels, title, a
//             legend right of the plot area, and event marks (clip events as a
//             rug along the bottom, or points at (x, y)).
//   BarChart  horizontal bars: one row per category, one bar per series in
//             each row (grouped), a value axis with nice ticks that includes 0.
//   HeatMap   a matrix of cells with row and column labels, a white-to-blue
//             colour scale with its colour bar, and the value in each cell.
//
// What a test (or a browser) can rely on in the output:
//   - the root <svg> has width, height and viewBox="0 0 width height";
//   - every drawn series is one element with class="series" and
//     data-series="NAME" (a <path> for a line, a <g> of <rect class="bar"> for
//     bars, a <g> of <rect class="cell"> for a heat map); event marks are
//     <g class="events" data-events="NAME">;
//   - the plot area is <rect class="plot-area" x y width height>, tick marks
//     are <text class="tick x|y" data-value="V"> at their position;
//   - text is escaped for XML; numbers are written with fixed decimals, so the
//     same input gives the same bytes.
// Non-finite values (NaN, inf), and values <= 0 on a log axis, are skipped: a
// line has a gap there, a bar or cell is not drawn. A plot with nothing to
// draw says "no data" (<text class="no-data">) instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class AxisScale { Linear, Log10 };

struct Axis {
  std::string label;
  AxisScale scale = AxisScale::Linear;
};

// Ticks of one axis: the axis range [low, high] and the tick values in it,
// with their labels. Linear: steps of 1, 2 or 5 times a power of ten, about
// `target_count` of them. Log10: whole decades (every k-th decade when there
// are many; 1-2-5 within each decade when the range spans fewer than two
// decades; linear nice steps when it spans less than one). With
// `extend_to_ticks` the range grows to the enclosing ticks (y axes: the
// curve never touches the frame); without, it is the data range (x axes).
// A single value (low == high) gets a small range around it.
struct AxisTicks {
  double low = 0;
  double high = 1;
  std::vector<double> values;
  std::vector<std::string> labels;
};
AxisTicks axis_ticks(double data_min, double data_max, AxisScale scale, bool extend_to_ticks,
                     int target_count = 6);

// A tick label: fixed decimals enough for `step` (0.05 -> "0.05", 2 -> "2"),
// thousands as k/M/G (20000 -> "20k"), very small numbers as 1e-5.
std::string format_tick(double value, double step);

// Text for XML content and attribute values: & < > " ' as entities.
std::string escape_xml(std::string_view text);

// The colour of the i-th series (a 10-colour palette, repeating), "#rrggbb".
std::string series_colour(size_t index);

struct LineSeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;  // same length as x (the shorter length is used)
  bool dashed = false;    // e.g. validation against training
  bool points = false;    // a dot at every point (sparse series: validation loss)
  bool line = true;       // false: the points only, no line (a scatter plot)
  std::string colour;     // "" -> the palette colour of its index
};

// Events to mark on a line plot, e.g. the iterations where gradients were
// clipped. Without y: a short tick along the bottom of the plot area at each
// x (a rug). With y (same length as x): a ring at each (x, y).
struct EventMarks {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  std::string colour = "#d62728";
};

struct LinePlot {
  std::string title;
  Axis x_axis;
  Axis y_axis;
  std::vector<LineSeries> series;
  std::vector<EventMarks> events;
  int width = 720;
  int height = 400;

  std::string svg() const;
};

struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category; missing or non-finite: no bar
  std::string colour;          // "" -> the palette colour of its index
};

struct BarChart {
  std::string title;
  std::string value_label;             // under the value axis, e.g. "F1"
  std::vector<std::string> categories; // one row each, top to bottom
  std::vector<BarSeries> series;
  bool show_values = true;  // the value at the end of each bar
  double value_max = 0;     // > 0: fixes the end of the value axis (F1: 1)
  int width = 720;
  int height = 0;  // 0: grows with the number of bars

  std::string svg() const;
};

struct HeatMap {
  std::string title;
  std::string row_label;     // e.g. "actual"
  std::string column_label;  // e.g. "predicted"
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<std::vector<double>> values;  // [rows][columns]
  bool show_values = true;  // written in cells large enough to hold them
  int value_decimals = -1;  // -1: none when every value is whole, else 2
  int width = 0;            // 0: from the number of columns
  int height = 0;           // 0: from the number of rows
  std::string name = "matrix";  // data-series of the cell group

  std::string svg() const;
};

// A small grey picture of a square matrix with no axes or labels, e.g. the
// vector a caption model reads when its width is a perfect square (an image's
// pixels): black for the largest value, white for the smallest, `cell` pixels
// a side per value; one <g class="series" data-series="image"> of <rect>s.
// Throws std::invalid_argument unless values.size() == side * side.
struct GreyImage {
  std::vector<double> values;  // row-major
  int side = 0;
  int cell = 4;

  std::string svg() const;
};

}  // namespace recur
