// TaggedSentence: one sentence to tag as read from a file — its words (as
// written; the vocabulary normalises) and one tag per word — with the line of
// every word, so that later errors (an unknown tag at evaluation) can name it.
// The tagging TSV and CoNLL-U readers both produce it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur {

struct TaggedSentence {
  std::vector<std::string> words;  // at least one
  std::vector<std::string> tags;   // one per word; empty strings where tags are optional (predict)
  std::vector<int64_t> lines;      // one per word, from 1
};

struct TaggedSentences {
  std::string file;  // as errors name it
  std::vector<TaggedSentence> sentences;
};

}  // namespace recur
