// The TSV readers of `recur classify` ("text<TAB>label") and `recur tag`
// ("word<TAB>tag", sentences separated by blank lines); the first byte picks
// the reader and its options.
#include <exception>

#include "fuzz_input.h"
#include "recur/classification_tsv.h"
#include "recur/input_error.h"
#include "recur/tagging_tsv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [bits, text] = recur::fuzz::split_choice(data, size);
  try {
    if (bits & 1)
      (void)recur::parse_tagging_tsv(text, "fuzz.tsv", /*tags_required=*/(bits & 2) != 0);
    else
      (void)recur::parse_classification_tsv(text, "fuzz.tsv", {.labels_required = (bits & 2) != 0,
                                                               .skip_header = (bits & 4) != 0});
  } catch (const recur::InputError&) {
  }
  return 0;
}
