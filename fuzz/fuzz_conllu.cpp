// CoNLL-U: parse, take the tagged sentences, and write a column back (what
// `recur tag predict` does); the rewrite must keep every other byte.
#include <exception>

#include "fuzz_input.h"
#include "recur/conllu.h"
#include "recur/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const recur::ConlluDocument document =
        recur::ConlluDocument::parse(std::string(recur::fuzz::as_text(data, size)), "fuzz.conllu");
    (void)document.tagged(recur::ConlluColumn::Upos);
    std::vector<std::vector<std::string>> same;
    for (const recur::ConlluSentence& sentence : document.sentences()) {
      same.emplace_back();
      for (const recur::ConlluWord& word : sentence.words)
        same.back().emplace_back(document.field(word, recur::ConlluColumn::Upos));
    }
    std::string rewritten;
    try {
      rewritten = document.with_column(recur::ConlluColumn::Upos, same);
    } catch (const std::invalid_argument&) {
      return 0;  // a value the writer refuses (a lone '\r' in a field): refused, not corrupted
    }
    if (rewritten != document.bytes()) __builtin_trap();
  } catch (const recur::InputError&) {
  }
  return 0;
}
