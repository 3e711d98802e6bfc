// JSONL frame sequences ({"frames": [[...], ...], "label": ...}), with one
// label per sequence or per frame.
#include <exception>

#include "fuzz_input.h"
#include "recur/frame_jsonl.h"
#include "recur/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [bits, text] = recur::fuzz::split_choice(data, size);
  try {
    (void)recur::parse_frame_jsonl(text, "fuzz.jsonl",
                                   (bits & 1) ? recur::FrameLabels::PerFrame : recur::FrameLabels::PerSequence,
                                   /*labels_required=*/(bits & 2) != 0);
  } catch (const recur::InputError&) {
  }
  return 0;
}
