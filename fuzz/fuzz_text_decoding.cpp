// Text decoding: strict UTF-8 to code points, bytes, and the way back out.
#include <exception>

#include "fuzz_input.h"
#include "recur/text_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = recur::fuzz::as_text(data, size);
  std::vector<char32_t> code_points;
  const auto error = recur::decode_utf8(bytes, code_points);
  std::string encoded;
  for (char32_t c : code_points) recur::append_utf8(c, encoded);
  // What decodes must encode back to the same bytes (up to the first error).
  const size_t valid = error ? error->offset : bytes.size();
  if (encoded != bytes.substr(0, valid)) __builtin_trap();
  try {
    (void)recur::decode_text(bytes, recur::TextUnit::CodePoint, "fuzz.txt");
  } catch (const std::exception&) {
  }
  if (recur::decode_text(bytes, recur::TextUnit::Byte, "fuzz.txt").size() != bytes.size()) __builtin_trap();
  return 0;
}
