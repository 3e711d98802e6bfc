// TextExample: one text to classify as read from a file — its words
// (words.h: split at whitespace, as written; the vocabulary normalises) and
// its label — with the line it came from, so that later errors (an unknown
// label at evaluation) can name it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur {

struct TextExample {
  std::vector<std::string> words;  // at least one
  std::string label;               // empty only where labels are optional (predict)
  int64_t line = 0;                // from 1
};

struct TextExamples {
  std::string file;  // as errors name it ("<stdin>" for standard input)
  std::vector<TextExample> examples;
};

}  // namespace recur
