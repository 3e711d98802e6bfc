// Missing values in a time-series column, and what to do about them.
//
// A cell is missing when it is empty or reads NA, NaN, nan, N/A or null
// (surrounding spaces ignored). Policies (`--missing`):
//   error        refuse the file, naming the first missing cell (the default)
//   drop         drop every row with a missing cell in a column in use; the
//                series then has gaps in time, which windows step over
//   ffill        carry the last observed value forward
//   interpolate  linear in the row index between the observed values around
//                the gap, but only where the later value lies in the same
//                split part as the missing row: a row may use values of its
//                own part and earlier ones, never of a later part (the future
//                of a split must not leak into it). Where the later value is
//                in a later part, or there is none, the last value is carried
//                forward instead.
// Under ffill and interpolate, leading rows before a column's first observed
// value have nothing earlier to fill from; they are dropped (a backward fill
// would use the future). Categorical columns are carried forward under both.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class MissingPolicy { Error, Drop, ForwardFill, Interpolate };

// "error", "drop", "ffill", "interpolate" and back; std::invalid_argument
// naming the accepted names otherwise.
MissingPolicy parse_missing_policy(std::string_view name);
std::string missing_policy_name(MissingPolicy policy);

// Whether a cell's text stands for a missing value.
bool is_missing_cell(std::string_view cell);

// Fills the NaNs of `column` in place by `policy` (ForwardFill or Interpolate;
// others leave it alone). `part_ends` are the exclusive row ends of the split
// parts in order (the last one is column.size()). Leading NaNs stay NaN.
void fill_missing(std::vector<double>& column, MissingPolicy policy, std::span<const int64_t> part_ends);

}  // namespace recur
