// Data and helpers shared by the CLI tests of `recur seq2seq` and `recur
// caption` (test_cli_generation.cpp, test_cli_generation_report.cpp): small
// files a model must learn, and eval's --json figures.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace recur::testing {

// The flags of a tiny, quick, seeded run.
inline const char* const kQuickGeneration =
    " --epochs 0 --threads 1 --hidden 32 --embedding 16 --eval-every 100 --lr 0.01 --dropout 0 --seed 3";

// Spelling -> "pronunciation": each letter a word-token of its own, doubled
// letters one token (a tiny grapheme-to-phoneme).
inline std::string spelling_tsv() {
  const std::vector<std::string> words = {"ab", "ba", "abc", "cab", "bca", "aab", "bba", "cc", "acb", "bac", "ca", "cb"};
  std::string out;
  for (const std::string& w : words) {
    std::string target;
    for (size_t i = 0; i < w.size(); ++i) {
      if (i > 0 && w[i] == w[i - 1]) continue;
      target += (target.empty() ? "" : " ") + std::string(1, static_cast<char>(w[i] - 'a' + 'A')) + "1";
    }
    out += w + "\t" + target + "\n";
  }
  return out;
}

// Vectors with one hot entry of four; the caption names it.
inline std::string caption_jsonl() {
  const std::vector<std::string> names = {"zero", "one two", "two", "three one"};
  std::string out;
  for (int i = 0; i < 24; ++i) {
    nlohmann::json v = nlohmann::json::array();
    for (int j = 0; j < 4; ++j) v.push_back(j == i % 4 ? 1.0 + 0.1 * (i % 3) : 0.05 * ((i + j) % 3));
    out += nlohmann::json{{"vector", v}, {"text", names[static_cast<size_t>(i % 4)]}}.dump() + "\n";
  }
  return out;
}

inline nlohmann::json eval_json(const std::string& arguments) {
  const auto r = run_recur(arguments + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return nlohmann::json::parse(r.output.substr(r.output.rfind('{')));
}

}  // namespace recur::testing
