// A checkpoint written by `recur train` is a PyTorch state_dict: loaded into
// nn.Embedding (or one-hot) + nn.LSTM / nn.GRU / nn.RNN + nn.Linear by
// scripts/pytorch_char_model.py, it gives the next-character distribution
// recur gives (TokenGenerator + TokenSampler, the path of `recur sample`),
// every probability within 1e-5.
//
// Skipped when /usr/bin/python3 cannot import torch.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "generated_text.h"
#include "recur/char_model.h"
#include "recur/checkpoint.h"
#include "recur/sampling.h"
#include "recur/token_generator.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::quoted;
using testing::run_command;
using testing::run_recur;

// Prose with a few non-ASCII letters, so code points and bytes differ.
std::string training_text() {
  const std::vector<std::string> words = {"the", "café", "was", "open", "naïve", "birds", "sang,", "and",
                                          "we", "sat", "by", "the", "river.", "élan", "of", "spring"};
  return testing::word_salad(words, 400, 777, 9);
}

struct Case {
  std::string cell;
  int64_t embedding;  // 0: one-hot input
  bool bytes;
  std::string name() const {
    return cell + (embedding > 0 ? "_embedding" : "_onehot") + (bytes ? "_bytes" : "");
  }
};

// The next-symbol distribution after `prime`, from a zero state, as recur samples it.
std::vector<double> recur_distribution(const fs::path& checkpoint_path, const std::string& prime) {
  const Checkpoint checkpoint = load_checkpoint(checkpoint_path);
  CharModel model = CharModel::from_checkpoint(checkpoint);
  TokenGenerator generator(*model.model);
  std::span<const float> logits;
  for (int64_t id : model.vocabulary.encode_text(prime)) logits = generator.feed(id);
  TokenSampler softmax(SamplingOptions{});  // temperature 1, no truncation: the model's own distribution
  return softmax.distribution(logits);
}

TEST(CheckpointPytorch, NextCharacterDistributionMatchesPytorch) {
  if (const std::string why = testing::torch_unavailable(); !why.empty()) GTEST_SKIP() << why;

  const fs::path dir = fs::temp_directory_path() / "recur_checkpoint_pytorch";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path data = dir / "text.txt";
  std::ofstream(data, std::ios::binary) << training_text();

  const std::vector<Case> cases = {{"lstm", 6, false},     {"lstm", 0, false}, {"gru", 6, false},
                                   {"gru", 0, false},      {"rnn_tanh", 6, false}, {"rnn_tanh", 0, false},
                                   {"rnn_relu", 0, true},  {"lstm", 5, true}};
  const std::string prime = "the café sang, and ";
  std::string script_args;
  std::vector<fs::path> checkpoints;
  for (const Case& c : cases) {
    const fs::path run = dir / c.name();
    // Two layers, so the names and the wiring of a stack are covered; a few
    // Adam steps with a large rate move every weight away from its initial value.
    std::string args = "train --data ";
    args += data.string();
    for (const std::string& part : {std::string(" --run "), run.string(), std::string(" --cell "), c.cell,
                                    std::string(" --embedding "), std::to_string(c.embedding)})
      args += part;
    if (c.bytes) args += " --bytes";
    args += " --hidden 12 --layers 2 --batch 4 --seq 16 --max-iters 4 --eval-every 4 --lr 0.02 --threads 1";
    const CommandResult trained = run_recur(args);
    ASSERT_EQ(trained.exit_code, 0) << c.name() << ":\n" << trained.output;
    checkpoints.push_back(run / "last.safetensors");
    ASSERT_TRUE(fs::exists(checkpoints.back())) << trained.output;
    for (const std::string& arg : {checkpoints.back().string(), prime}) {
      script_args += ' ';
      script_args += quoted(arg);
    }
  }

  // One Python process for all cases: importing torch is the slow part.
  const CommandResult python = testing::run_project_script("pytorch_char_model.py", script_args);
  ASSERT_EQ(python.exit_code, 0) << python.output;
  std::istringstream lines(python.output);
  std::string line;
  std::vector<nlohmann::json> reports;
  while (std::getline(lines, line))
    if (!line.empty() && line.front() == '{') reports.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(reports.size(), cases.size()) << python.output;

  std::vector<double> previous;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name());
    const CharModel model = CharModel::from_checkpoint(load_checkpoint(checkpoints[i]));
    const std::vector<double> ours = recur_distribution(checkpoints[i], prime);
    const std::vector<double> theirs = reports[i].at("probabilities").get<std::vector<double>>();
    const std::vector<uint32_t> symbols = reports[i].at("symbols").get<std::vector<uint32_t>>();
    ASSERT_EQ(ours.size(), theirs.size());
    ASSERT_EQ(symbols.size(), ours.size());
    for (size_t v = 0; v < symbols.size(); ++v) ASSERT_EQ(symbols[v], uint32_t(model.vocabulary.symbol(v)));
    EXPECT_EQ(reports[i].at("unit").get<std::string>(), cases[i].bytes ? "byte" : "codepoint");
    double largest = 0, smallest = 1;
    for (size_t v = 0; v < ours.size(); ++v) {
      EXPECT_NEAR(ours[v], theirs[v], 1e-5) << "symbol " << v;
      largest = std::max(largest, ours[v]);
      smallest = std::min(smallest, ours[v]);
    }
    // Not a degenerate (uniform) distribution that any wiring would reproduce.
    EXPECT_GT(largest - smallest, 1e-3);
    if (!previous.empty() && previous.size() == ours.size()) {
      EXPECT_NE(previous, ours);
    }
    previous = ours;
  }
}

}  // namespace
}  // namespace recur
