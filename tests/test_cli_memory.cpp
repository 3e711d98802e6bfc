// `recur memory train|eval` end to end: an LSTM solves echo in a few hundred
// steps, runs reproduce from the seed, the adding task's baseline is the
// published 1/6, and bad flags give one line naming the flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_recur;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recur_cli_memory_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

nlohmann::json last_json_line(const std::string& output) {
  const size_t start = output.rfind('{');
  return nlohmann::json::parse(output.substr(start));
}

TEST(CliMemory, LstmSolvesEchoAndEvalReportsAccuracy) {
  const fs::path run = fresh_dir("echo") / "run";
  const CommandResult trained = run_recur(
      "memory train --task echo --length 5 --recall 2 --cell lstm --hidden 32 --batch 32 --max-iters 300 "
      "--eval-every 100 --val-examples 256 --lr 0.01 --threads 1 --run " + run.string());
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("dev accuracy"), std::string::npos) << trained.output;
  const CommandResult eval = run_recur("memory eval " + run.string() + " --json --threads 1");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const nlohmann::json report = last_json_line(eval.output);
  EXPECT_EQ(report.at("task"), "echo");
  EXPECT_EQ(report.at("recall"), 2);
  EXPECT_EQ(report.at("sequences"), 1000);
  // Chance is 1/8; remembering the 2nd of 5 symbols is what solving means.
  EXPECT_GE(report.at("accuracy").get<double>(), 0.98) << eval.output;

  const CommandResult text = run_recur("memory eval " + (run / "last.safetensors").string() + " --threads 1");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("accuracy"), std::string::npos) << text.output;
}

TEST(CliMemory, SameSeedSameRunAndResumeContinuesExactly) {
  const fs::path dir = fresh_dir("seed");
  const std::string common =
      "memory train --task copy --length 4 --items 3 --cell gru --hidden 8 --batch 8 --eval-every 10 "
      "--val-examples 16 --threads 1 ";
  ASSERT_EQ(run_recur(common + "--seed 5 --max-iters 20 --run " + (dir / "a").string()).exit_code, 0);
  ASSERT_EQ(run_recur(common + "--seed 5 --max-iters 20 --run " + (dir / "b").string()).exit_code, 0);
  ASSERT_EQ(run_recur(common + "--seed 5 --max-iters 10 --run " + (dir / "c").string()).exit_code, 0);
  const CommandResult resumed = run_recur("memory train --resume " + (dir / "c").string() + " --max-iters 20");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  auto loss_of = [](const fs::path& run) {
    const CommandResult eval = run_recur("memory eval " + (run / "last.safetensors").string() + " --json");
    EXPECT_EQ(eval.exit_code, 0) << eval.output;
    return last_json_line(eval.output).at("loss").get<double>();
  };
  const double a = loss_of(dir / "a");
  EXPECT_EQ(a, loss_of(dir / "b"));
  EXPECT_EQ(a, loss_of(dir / "c"));
  const CommandResult other = run_recur(common + "--max-iters 20 --seed 6 --run " + (dir / "d").string());
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_NE(a, loss_of(dir / "d"));
}

TEST(CliMemory, AddingReportsMseBesideTheBaseline) {
  const fs::path run = fresh_dir("adding") / "run";
  const CommandResult trained = run_recur("memory train --task adding --length 20 --cell rnn_tanh --hidden 8 "
                                          "--max-iters 5 --eval-every 5 --val-examples 32 --threads 1 --run " +
                                          run.string());
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("dev mse"), std::string::npos) << trained.output;
  const CommandResult eval = run_recur("memory eval " + run.string() + " --json --examples 2000");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const nlohmann::json report = last_json_line(eval.output);
  EXPECT_NEAR(report.at("baseline_mse").get<double>(), 1.0 / 6.0, 0.015);
  EXPECT_GT(report.at("mse").get<double>(), 0.0);
  EXPECT_FALSE(report.contains("accuracy"));
}

TEST(CliMemory, BadFlagsSayWhichInOneLine) {
  const fs::path dir = fresh_dir("bad");
  struct Case {
    std::string args, flag;
  };
  const std::vector<Case> cases = {
      {"--task echo --length 5 --recall 6", "--recall"},
      {"--task echo --length 5 --recall 0", "--recall"},
      {"--task copy --length 5 --recall 2", "--recall"},
      {"--task adding --length 1", "--length"},
      {"--task echo --length 0", "--length"},
      {"--task echo", "--length"},
      {"--task remember --length 5", "--task"},
      {"--length 5", "--task"},
      {"--task copy --length 5 --items 0", "--items"},
      {"--task echo --length 5 --symbols 1", "--symbols"},
      {"--task adding --length 5 --symbols 4", "--symbols"},
      {"--task echo --length 5 --cell lstn", "--cell"},
      {"--task echo --length 5 --hidden 0", "--hidden"},
      {"--task echo --length 5 --batch 0", "--batch"},
  };
  for (const Case& c : cases) {
    const CommandResult result =
        run_recur("memory train " + c.args + " --max-iters 1 --run " + (dir / "run").string());
    EXPECT_NE(result.exit_code, 0) << c.args;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << c.args << ": " << result.output;
    EXPECT_NE(result.output.find(c.flag), std::string::npos) << c.args << ": " << result.output;
    EXPECT_FALSE(fs::exists(dir / "run" / "last.safetensors")) << c.args;
  }
  const CommandResult missing = run_recur("memory eval " + (dir / "nothing").string());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_EQ(std::count(missing.output.begin(), missing.output.end(), '\n'), 1) << missing.output;
}

}  // namespace
}  // namespace recur
