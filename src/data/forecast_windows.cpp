#include "recur/forecast_windows.h"

#include <fmt/format.h>

#include <stdexcept>

#include "recur/data_error.h"

namespace recur {

const char* series_part_name(SeriesPart part) {
  switch (part) {
    case SeriesPart::Train: return "train";
    case SeriesPart::Validation: return "validation";
    case SeriesPart::Test: return "test";
  }
  return "train";
}

void WindowShape::validate() const {
  if (lookback < 1) throw std::invalid_argument(fmt::format("--lookback must be at least 1, got {}", lookback));
  if (horizon < 1) throw std::invalid_argument(fmt::format("--horizon must be at least 1, got {}", horizon));
}

RowRange part_rows(const SplitBoundaries& split, SeriesPart part) {
  switch (part) {
    case SeriesPart::Train: return {0, split.train_end};
    case SeriesPart::Validation: return {split.train_end, split.validation_end};
    case SeriesPart::Test: return {split.validation_end, split.total};
  }
  return {};
}

std::vector<int64_t> window_starts(const SplitBoundaries& split, SeriesPart part, const WindowShape& shape) {
  shape.validate();
  const RowRange rows = part_rows(split, part);
  std::vector<int64_t> starts;
  for (int64_t s = rows.begin; s + shape.span() <= rows.end; ++s) starts.push_back(s);
  return starts;
}

void check_series_length(const TimeSeries& series, const WindowShape& shape) {
  shape.validate();
  for (const SeriesPart part : {SeriesPart::Train, SeriesPart::Validation, SeriesPart::Test}) {
    const RowRange rows = part_rows(series.split, part);
    if (part != SeriesPart::Train && rows.size() == 0) continue;
    if (rows.size() < shape.span())
      throw DataError(series.path, 0, "",
                      fmt::format("the series is too short: of its {} rows the {} part gets {}, but one window needs "
                                  "lookback + horizon = {} rows; use a shorter --lookback or --horizon, other "
                                  "--val-frac/--test-frac, or a longer series",
                                  series.rows(), series_part_name(part), rows.size(), shape.span()));
  }
}

}  // namespace recur
