// The JSONL frame-sequence reader.
#include <gtest/gtest.h>

#include "expect_input_error.h"
#include "recur/frame_jsonl.h"

namespace recur {
namespace {

TEST(FrameJsonl, SequencesWithOneLabelOrOnePerFrame) {
  const FrameSequences data = parse_frame_jsonl(
      "{\"frames\": [[1, 2.5], [3, -4]], \"label\": \"walk\"}\n\n{\"frames\": [[0.5, 6]], \"label\": 3, \"id\": 9}\n",
      "f.jsonl", FrameLabels::PerSequence);
  EXPECT_EQ(data.width, 2);
  ASSERT_EQ(data.sequences.size(), 2u);
  EXPECT_EQ(data.sequences[0].steps, 2);
  EXPECT_EQ(data.sequences[0].values, (std::vector<float>{1, 2.5f, 3, -4}));
  EXPECT_EQ(data.sequences[0].label, "walk");
  EXPECT_EQ(data.sequences[1].label, "3");
  EXPECT_EQ(data.sequences[1].line, 3);

  const FrameSequences tagged =
      parse_frame_jsonl("{\"frames\": [[1], [2], [3]], \"labels\": [\"a\", \"b\", \"a\"]}", "t.jsonl", FrameLabels::PerFrame);
  EXPECT_EQ(tagged.sequences[0].labels, (std::vector<std::string>{"a", "b", "a"}));
  const FrameSequences unlabelled =
      parse_frame_jsonl("{\"frames\": [[1]]}", "p.jsonl", FrameLabels::PerSequence, /*labels_required=*/false);
  EXPECT_EQ(unlabelled.sequences[0].label, "");
}

TEST(FrameJsonl, MalformedLinesNameFileAndLine) {
  const auto cls = [](const std::string& text) { return parse_frame_jsonl(text, "f.jsonl", FrameLabels::PerSequence); };
  const auto tag = [](const std::string& text) { return parse_frame_jsonl(text, "f.jsonl", FrameLabels::PerFrame); };
  const std::string good = "{\"frames\": [[1, 2]], \"label\": \"a\"}\n";
  EXPECT_INPUT_ERROR(cls(""), "f.jsonl: file is empty");
  // Column 31 is the "}" where a value should be.
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, 2]], \"label\": }\n"), "f.jsonl:2:31: not JSON");
  EXPECT_INPUT_ERROR(cls(good + "[1, 2]\n"), "f.jsonl:2: not a JSON object");
  EXPECT_INPUT_ERROR(cls(good + "{\"label\": \"a\"}\n"), "f.jsonl:2: no \"frames\"");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [], \"label\": \"a\"}\n"), "f.jsonl:2: \"frames\" must be a non-empty array");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, 2], [3]], \"label\": \"a\"}\n"),
                     "f.jsonl:2: frame 1 has 1 values, frame 0 has 2: frames differ in width");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, 2, 3]], \"label\": \"a\"}\n"),
                     "f.jsonl:2: frames of width 3, line 1 has 2");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, \"x\"]], \"label\": \"a\"}\n"), "f.jsonl:2: frame 0 value 1 is not a number");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, 2]]}\n"), "f.jsonl:2: no \"label\"");
  EXPECT_INPUT_ERROR(cls(good + "{\"frames\": [[1, 2]], \"label\": [1]}\n"), "f.jsonl:2: \"label\" must be");
  EXPECT_INPUT_ERROR(tag("{\"frames\": [[1], [2]], \"labels\": [\"a\"]}\n"), "f.jsonl:1: \"labels\" must be an array with one label per frame (2 frames)");
  EXPECT_INPUT_ERROR(tag("{\"frames\": [[1]], \"label\": \"a\"}\n"), "f.jsonl:1: no \"labels\"");
}

// A number beyond double's range is an out_of_range from nlohmann, not a
// parse_error: it escaped the reader as an unlocated message (found by
// fuzz/fuzz_frame_jsonl, input "{\"frames\": [[-3.4e381, ...").
TEST(FrameJsonl, ANumberBeyondDoubleIsALocatedError) {
  EXPECT_INPUT_ERROR(parse_frame_jsonl("{\"frames\": [[1]], \"label\": \"a\"}\n{\"frames\": [[-3.4e381]], \"label\": \"a\"}\n",
                                       "f.jsonl", FrameLabels::PerSequence),
                     "f.jsonl:2: not JSON: number overflow parsing '-3.4e381'");
}

// A frame nested 100,000 deep would be dumped (recursively) by the "not a
// number" message and overflow the stack; it is refused while parsing.
TEST(FrameJsonl, NestingTooDeepIsRefusedWithoutRecursion) {
  const std::string deep = "{\"frames\": [" + std::string(100000, '[') + std::string(100000, ']') + "], \"label\": 1}\n";
  EXPECT_INPUT_ERROR(parse_frame_jsonl(deep, "f.jsonl", FrameLabels::PerSequence),
                     "f.jsonl:1: JSON nested deeper than 64 levels");
}

}  // namespace
}  // namespace recur
