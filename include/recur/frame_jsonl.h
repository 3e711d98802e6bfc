// Frame JSONL: sequences of float vectors (video or sensor frames, audio
// features), one JSON object a line, so that classify and tag are not tied
// to words:
//   {"frames": [[0.1, 0.2], [0.3, 0.4], ...], "label": "walk"}           (classify)
//   {"frames": [[0.1, 0.2], [0.3, 0.4], ...], "labels": ["a", "b", ...]}  (tag: one per frame)
// Every frame of every line has the same width F >= 1; a sequence has at
// least one frame. Labels are strings, or integers taken as their decimal
// text. Other keys are ignored; blank lines are skipped.
//
// Errors (InputError, "FILE:LINE[:COLUMN]: ..."): an empty file; a line that
// is not JSON (with the column) or not an object; no "frames", or frames that
// are not a non-empty array of non-empty arrays of numbers; a frame whose
// width differs from the line's first or from the file's; a missing or bad
// label, or a "labels" whose length is not the number of frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class FrameLabels {
  PerSequence,  // "label"
  PerFrame,     // "labels"
};

struct FrameSequence {
  int64_t line = 0;            // from 1
  int64_t steps = 0;           // frames
  std::vector<float> values;   // [steps, width], row-major
  std::string label;           // PerSequence (empty when absent and optional)
  std::vector<std::string> labels;  // PerFrame: steps of them (empty when absent and optional)
};

struct FrameSequences {
  std::string file;
  int64_t width = 0;  // F
  std::vector<FrameSequence> sequences;
};

FrameSequences parse_frame_jsonl(std::string_view bytes, const std::string& file, FrameLabels labels,
                                 bool labels_required = true);
FrameSequences read_frame_jsonl(const std::filesystem::path& path, FrameLabels labels, bool labels_required = true);

}  // namespace recur
