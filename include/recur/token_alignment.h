// The alignment behind a token error rate: how an output becomes its
// reference with the fewest edits (Levenshtein over tokens), as the list of
// steps a reader can see — which output tokens are right, which stand in for
// another reference token (substitution), which are extra (insertion) and
// which reference tokens the output lacks (deletion). `recur report` marks
// the outputs of seq2seq and caption runs with it.
//
// The number of non-Match steps equals edit_distance() (generation_metrics.h).
// Among alignments with that many edits, one with the fewest substitutions
// (so "A X B" against "A B C" shows X extra and C missing, B right, rather
// than two substitutions); of those, the one whose matches come earliest
// ("an even one one" against "an even one": the last "one" is extra), so a
// pair always gives the same steps.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recur {

enum class AlignmentStep { Match, Substitute, Insert, Delete };

struct AlignedToken {
  AlignmentStep step = AlignmentStep::Match;
  int64_t output = -1;     // index into the output; -1 for Delete
  int64_t reference = -1;  // index into the reference; -1 for Insert
};

// The steps in order, covering every output and every reference token once.
std::vector<AlignedToken> align_tokens(std::span<const int64_t> output, std::span<const int64_t> reference);

// The number of steps that are not Match: the edit distance.
int64_t alignment_edits(const std::vector<AlignedToken>& alignment);

}  // namespace recur
