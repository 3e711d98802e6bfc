#include "recur/missing_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

MissingPolicy parse_missing_policy(std::string_view name) {
  if (name == "error") return MissingPolicy::Error;
  if (name == "drop") return MissingPolicy::Drop;
  if (name == "ffill") return MissingPolicy::ForwardFill;
  if (name == "interpolate") return MissingPolicy::Interpolate;
  throw std::invalid_argument(
      fmt::format("unknown missing-value policy '{}'; use error, drop, ffill or interpolate", name));
}

std::string missing_policy_name(MissingPolicy policy) {
  switch (policy) {
    case MissingPolicy::Error: return "error";
    case MissingPolicy::Drop: return "drop";
    case MissingPolicy::ForwardFill: return "ffill";
    case MissingPolicy::Interpolate: return "interpolate";
  }
  return "error";
}

bool is_missing_cell(std::string_view cell) {
  while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
  while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
  return cell.empty() || cell == "NA" || cell == "NaN" || cell == "nan" || cell == "N/A" || cell == "null";
}

void fill_missing(std::vector<double>& column, MissingPolicy policy, std::span<const int64_t> part_ends) {
  if (policy != MissingPolicy::ForwardFill && policy != MissingPolicy::Interpolate) return;
  const auto n = static_cast<int64_t>(column.size());
  const auto part_of = [&](int64_t row) {
    return std::upper_bound(part_ends.begin(), part_ends.end(), row) - part_ends.begin();
  };
  int64_t last_observed = -1;
  for (int64_t r = 0; r < n; ++r) {
    if (!std::isnan(column[r])) {
      last_observed = r;
      continue;
    }
    if (last_observed < 0) continue;  // leading gap: nothing earlier to fill from
    int64_t next_observed = r + 1;
    while (next_observed < n && std::isnan(column[next_observed])) ++next_observed;
    for (int64_t g = r; g < next_observed; ++g) {
      const bool may_look_ahead =
          policy == MissingPolicy::Interpolate && next_observed < n && part_of(next_observed) == part_of(g);
      if (may_look_ahead) {
        const double w = static_cast<double>(g - last_observed) / static_cast<double>(next_observed - last_observed);
        // a + w (b - a) stays within [a, b], and is exactly a where a == b.
        column[g] = column[last_observed] + w * (column[next_observed] - column[last_observed]);
      } else {
        column[g] = column[last_observed];
      }
    }
    r = next_observed - 1;
  }
}

}  // namespace recur
