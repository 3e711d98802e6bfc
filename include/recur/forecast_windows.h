// Forecast windows: `lookback` consecutive rows as input and the `horizon`
// rows after them as the target, taken inside one split part only.
//
//   rows    0 1 2 3 4 5 6 7 8 9 | 10 11 12 13 | 14 15 16 17   (train | validation | test)
//   lookback 3, horizon 1: window start s reads rows [s, s+3), predicts row s+3
//   train starts 0..6, validation 10 only (10..12 in, 13 out), test 14 only;
//   with horizon 2 the 4-row validation and test parts hold no window
//
// No window crosses a split boundary: its input rows as well as its target
// rows lie in the part. Windows overlap (stride 1); consecutive starts differ
// by one row.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/data_split.h"
#include "recur/time_series.h"

namespace recur {

enum class SeriesPart { Train, Validation, Test };

// "train", "validation", "test".
const char* series_part_name(SeriesPart part);

struct WindowShape {
  int64_t lookback = 1;
  int64_t horizon = 1;
  int64_t span() const { return lookback + horizon; }
  // Both at least 1; std::invalid_argument naming --lookback / --horizon otherwise.
  void validate() const;
};

// Rows [begin, end) of a part.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};
RowRange part_rows(const SplitBoundaries& split, SeriesPart part);

// Starts of every window lying inside the part, in time order (none if the
// part is shorter than a window).
std::vector<int64_t> window_starts(const SplitBoundaries& split, SeriesPart part, const WindowShape& shape);

// Refuses a series too short for its windows: the training part, and the
// validation and test parts where they are not empty, must each hold
// lookback + horizon rows. DataError naming the file, the part, its rows and
// what would fix it.
void check_series_length(const TimeSeries& series, const WindowShape& shape);

}  // namespace recur
