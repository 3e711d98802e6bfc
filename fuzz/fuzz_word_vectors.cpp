// Word vectors (word2vec / GloVe text) matched against a small vocabulary;
// the first byte picks the expected dimension (0: the file's).
#include <exception>

#include "fuzz_input.h"
#include "recur/input_error.h"
#include "recur/word_vectors.h"
#include "recur/word_vocabulary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const recur::WordVocabulary vocabulary = [] {
    recur::WordCounts counts;
    for (const char* w : {"the", "a", "of", "The", "x", "é", "new york"}) counts.add(w);
    return recur::WordVocabulary::build(counts, {.min_count = 1, .max_size = 0, .lowercase = true});
  }();
  const auto [bits, text] = recur::fuzz::split_choice(data, size);
  const recur::fuzz::MemoryFile file(text);
  try {
    (void)recur::read_word_vectors(file.path(), vocabulary, bits % 8);
  } catch (const recur::InputError&) {
  }
  return 0;
}
