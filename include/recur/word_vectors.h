// Word vectors: pre-trained embeddings (--embeddings FILE) in the text format
// of word2vec and GloVe, one word a line followed by its D numbers, separated
// by spaces:
//   the 0.418 0.24968 -0.41242 ...
// word2vec's files start with a header line "COUNT D"; GloVe's do not. The
// header is recognised as a first line of exactly two integers. A word may
// hold spaces (glove.840B has a few): the last D fields are the numbers and
// the rest is the word.
//
// Only the vocabulary's words are kept, matched after the vocabulary's
// normalisation (lowercasing); when several file words normalise to one
// vocabulary word, the one already in normal form wins, else the first.
// <pad> and <unk> are never matched. The file is read line by line, so files
// of gigabytes need memory only for the vocabulary's rows.
//
// Errors (InputError, "FILE:LINE[:COLUMN]: ..."): an empty file; a row with
// fewer than D numbers ("short row"); a field that is not a number (with its
// column); a dimension other than the expected one or the header's; a header
// count other than the number of rows; a file with no vectors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "recur/word_vocabulary.h"

namespace recur {

struct WordVectors {
  int64_t dim = 0;
  std::vector<float> vectors;  // [vocabulary size, dim]; rows of words not found are zero
  std::vector<bool> found;     // per vocabulary id
  int64_t found_count = 0;     // vocabulary words found (specials excluded)
  int64_t missing_count = 0;   // vocabulary words not in the file (specials excluded): start random
  int64_t file_rows = 0;       // vectors in the file
};

// expected_dim 0 takes the file's dimension.
WordVectors read_word_vectors(const std::filesystem::path& path, const WordVocabulary& vocabulary,
                              int64_t expected_dim = 0);

}  // namespace recur
