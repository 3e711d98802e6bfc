// CaptionData: the data of `recur caption`, JSONL lines
//   {"vector": [0.0, 3.5, ...], "text": "a thick seven"}
// or several references for one vector: {"vector": [...], "text": ["seven", "a seven"]}.
// Every vector has the width of the first (or of `width` when given: the
// model's); blank lines are skipped.
//
// Errors (InputError "FILE:LINE: ..."): a line that is not a JSON object, a
// missing or empty "vector", an entry that is not a finite number (naming its
// index), a vector of another width, a missing "text" (when texts are
// required), a text that is not a string or is empty, a file with no examples.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

struct CaptionExample {
  std::vector<double> vector;
  std::vector<std::string> texts;  // references; empty for generation input without text
  int64_t line = 0;
};

struct CaptionData {
  std::string file;
  int64_t width = 0;
  std::vector<CaptionExample> examples;
};

struct CaptionReadOptions {
  bool texts_required = true;
  int64_t width = 0;  // 0: the first line's
};

CaptionData parse_caption_jsonl(std::string_view bytes, const std::string& file, const CaptionReadOptions& options);
// "-" reads standard input.
CaptionData read_caption_jsonl(const std::string& path, const CaptionReadOptions& options);

}  // namespace recur
