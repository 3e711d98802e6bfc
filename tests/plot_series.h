// Series for the plotting tests, built in one call (the structs are
// aggregates with defaults, which brace-initialisation would warn about).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "recur/svg_plot.h"

namespace recur::testing {

inline LineSeries line(const std::string& name, std::vector<double> x, std::vector<double> y, bool dashed = false,
                       bool points = false) {
  LineSeries series;
  series.name = name;
  series.x = std::move(x);
  series.y = std::move(y);
  series.dashed = dashed;
  series.points = points;
  return series;
}

inline BarSeries bars(const std::string& name, std::vector<double> values) {
  BarSeries series;
  series.name = name;
  series.values = std::move(values);
  return series;
}

}  // namespace recur::testing
