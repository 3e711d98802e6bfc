#include "recur/token_alignment.h"

#include <algorithm>

namespace recur {

std::vector<AlignedToken> align_tokens(std::span<const int64_t> output, std::span<const int64_t> reference) {
  // cost[i][j] ranks the alignments of output[0, i) with reference[0, j):
  // edits first, then substitutions (edits * wide + substitutions, wide more
  // than any substitution count). The whole table is kept (the distance alone
  // needs one row) to walk back through it.
  const size_t n = output.size(), m = reference.size();
  const int64_t wide = static_cast<int64_t>(n + m + 1);
  const int64_t gap = wide, substitution = wide + 1;
  std::vector<int64_t> cost((n + 1) * (m + 1));
  auto at = [&](size_t i, size_t j) -> int64_t& { return cost[i * (m + 1) + j]; };
  auto diagonal = [&](size_t i, size_t j) { return output[i - 1] == reference[j - 1] ? 0 : substitution; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int64_t>(i) * gap;
  for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int64_t>(j) * gap;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j)
      at(i, j) = std::min({at(i - 1, j - 1) + diagonal(i, j), at(i - 1, j) + gap, at(i, j - 1) + gap});

  // Walking back from the ends, an extra or missing token is taken before a
  // match of the same rank, so that matches come as early as they can.
  std::vector<AlignedToken> steps;
  size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && at(i, j) == at(i - 1, j) + gap) {
      --i;
      steps.push_back({AlignmentStep::Insert, static_cast<int64_t>(i), -1});
    } else if (j > 0 && at(i, j) == at(i, j - 1) + gap) {
      --j;
      steps.push_back({AlignmentStep::Delete, -1, static_cast<int64_t>(j)});
    } else {
      const bool same = diagonal(i, j) == 0;
      --i, --j;
      steps.push_back({same ? AlignmentStep::Match : AlignmentStep::Substitute, static_cast<int64_t>(i),
                       static_cast<int64_t>(j)});
    }
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

int64_t alignment_edits(const std::vector<AlignedToken>& alignment) {
  return std::count_if(alignment.begin(), alignment.end(),
                       [](const AlignedToken& a) { return a.step != AlignmentStep::Match; });
}

}  // namespace recur
