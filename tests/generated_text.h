// Deterministic training text for the CLI tests: words drawn from a list by a
// fixed linear congruential generator, so every run trains on the same text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::testing {

inline std::string word_salad(const std::vector<std::string>& words, int count, uint64_t seed, int words_per_line) {
  std::string text;
  uint64_t state = seed;
  for (int i = 0; i < count; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    text += words[(state >> 33) % words.size()];
    text += (i % words_per_line == words_per_line - 1) ? "\n" : " ";
  }
  return text;
}

}  // namespace recur::testing
