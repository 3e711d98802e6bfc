#include "recur/frame_jsonl.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/bounded_json.h"
#include "recur/input_error.h"

namespace recur {

namespace {

using nlohmann::json;

// A label value as text: a string, or an integer's decimal text.
bool label_text(const json& value, std::string& text) {
  if (value.is_string()) text = value.get<std::string>();
  else if (value.is_number_integer()) text = value.dump();
  else return false;
  return !text.empty();
}

}  // namespace

FrameSequences parse_frame_jsonl(std::string_view bytes, const std::string& file, FrameLabels labels,
                                 bool labels_required) {
  require_content(bytes, file);
  FrameSequences result{file, 0, {}};
  int64_t width_line = 0;  // the line that set the width
  TextLines lines(bytes);
  TextLine line;
  while (lines.next(line)) {
    if (line.blank()) continue;
    json object;
    try {
      object = parse_bounded_json(line.text);
    } catch (const JsonTooDeep& e) {
      throw InputError(file, line.number, e.what());
    } catch (const json::parse_error& e) {
      // e.byte is 1-based within the line; the message's tail says what was expected.
      std::string what = e.what();
      if (const size_t colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
      throw InputError(file, line.number, static_cast<int64_t>(e.byte), "not JSON: " + what);
    } catch (const json::exception& e) {
      // A number beyond double's range ("1e999") is an out_of_range, with no byte position.
      std::string what = e.what();
      if (const size_t bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
      throw InputError(file, line.number, "not JSON: " + what);
    }
    const auto fail = [&](const std::string& what) { throw InputError(file, line.number, what); };
    if (!object.is_object()) fail("not a JSON object: a line is {\"frames\": [[...], ...], ...}");
    const auto frames = object.find("frames");
    if (frames == object.end()) fail("no \"frames\": a line is {\"frames\": [[...], ...], ...}");
    if (!frames->is_array() || frames->empty()) fail("\"frames\" must be a non-empty array of frames");

    FrameSequence sequence;
    sequence.line = line.number;
    sequence.steps = static_cast<int64_t>(frames->size());
    const int64_t width = (*frames)[0].is_array() ? static_cast<int64_t>((*frames)[0].size()) : 0;
    sequence.values.reserve(static_cast<size_t>(sequence.steps * width));
    for (size_t t = 0; t < frames->size(); ++t) {
      const json& frame = (*frames)[t];
      if (!frame.is_array() || frame.empty()) fail(fmt::format("frame {} is not a non-empty array of numbers", t));
      if (static_cast<int64_t>(frame.size()) != width)
        fail(fmt::format("frame {} has {} values, frame 0 has {}: frames differ in width", t, frame.size(), width));
      for (size_t i = 0; i < frame.size(); ++i) {
        if (!frame[i].is_number()) fail(fmt::format("frame {} value {} is not a number ({})", t, i, frame[i].dump()));
        const double v = frame[i].get<double>();
        if (std::abs(v) > std::numeric_limits<float>::max())
          fail(fmt::format("frame {} value {} ({}) is too large for a float", t, i, frame[i].dump()));
        sequence.values.push_back(static_cast<float>(v));
      }
    }
    if (result.width == 0) {
      result.width = width;
      width_line = line.number;
    } else if (width != result.width) {
      fail(fmt::format("frames of width {}, line {} has {}: every frame in the file needs the same width", width,
                       width_line, result.width));
    }

    if (labels == FrameLabels::PerSequence) {
      const auto label = object.find("label");
      if (label != object.end()) {
        if (!label_text(*label, sequence.label)) fail("\"label\" must be a non-empty string or an integer");
      } else if (labels_required) {
        fail("no \"label\": a line is {\"frames\": [[...], ...], \"label\": \"...\"}");
      }
    } else {
      const auto tags = object.find("labels");
      if (tags != object.end()) {
        if (!tags->is_array() || static_cast<int64_t>(tags->size()) != sequence.steps)
          fail(fmt::format("\"labels\" must be an array with one label per frame ({} frames)", sequence.steps));
        sequence.labels.resize(tags->size());
        for (size_t t = 0; t < tags->size(); ++t)
          if (!label_text((*tags)[t], sequence.labels[t]))
            fail(fmt::format("labels[{}] must be a non-empty string or an integer", t));
      } else if (labels_required) {
        fail("no \"labels\": a line is {\"frames\": [[...], ...], \"labels\": [one per frame]}");
      }
    }
    result.sequences.push_back(std::move(sequence));
  }
  return result;
}

FrameSequences read_frame_jsonl(const std::filesystem::path& path, FrameLabels labels, bool labels_required) {
  return parse_frame_jsonl(read_file_bytes(path), path.string(), labels, labels_required);
}

}  // namespace recur
