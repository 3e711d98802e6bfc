// Safetensors: the 8-byte length, the JSON header and its tensor table, the
// buffer; then every tensor through the typed accessors.
#include <exception>

#include "fuzz_input.h"
#include "recur/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const recur::SafetensorsFile file =
        recur::parse_safetensors({reinterpret_cast<const std::byte*>(data), size}, "fuzz.safetensors");
    for (const auto& [name, entry] : file.tensors) {
      try {
        (void)file.tensor<float>(name);
      } catch (const recur::FormatError&) {
      }
      try {
        (void)file.integers(name);
      } catch (const recur::FormatError&) {
      }
    }
  } catch (const recur::FormatError&) {
  }
  return 0;
}
