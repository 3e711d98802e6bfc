// Data-parallel training under mpirun (docs/scaling.md), end to end through
// the binary: 2 ranks compute the updates 1 rank computes on the same global
// batch (the language model, and the forecaster with shards of unequal and
// empty size); a checkpoint resumes on another number of ranks at the same
// place; a rank that dies or cannot read its data ends the job with a
// non-zero exit, promptly. Skipped in a build without MPI.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>

#include "command_runner.h"
#include "generated_text.h"
#include "recur/checkpoint.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::quoted;
using testing::run_command;

#ifdef RECUR_MPIRUN
// Every command gets a time limit: a hang fails the test instead of the suite.
// Containers often forbid the cross-process memory access (CMA) of Open MPI's
// shared-memory single copy; these messages are small, so it is switched off.
std::string mpirun(int ranks) {
  return fmt::format("timeout 60 {} --oversubscribe --allow-run-as-root --mca btl_vader_single_copy_mechanism none "
                     "-np {} ",
                     RECUR_MPIRUN, ranks);
}
#endif

#ifdef RECUR_MPIRUN
constexpr bool kBuiltWithMpi = true;
#else
constexpr bool kBuiltWithMpi = false;
#endif
const char* kNoMpi = "built without MPI (RECUR_MPI=OFF or MPI not found)";

std::string recur_binary() { return quoted(RECUR_BINARY); }

testing::CommandResult recur_on(int ranks, const std::string& arguments) {
#ifdef RECUR_MPIRUN
  if (ranks > 0) return run_command(mpirun(ranks) + recur_binary() + " " + arguments);
#endif
  return run_command("timeout 60 " + recur_binary() + " " + arguments);  // ranks 0: no mpirun at all
}

bool starts_with(const std::string& name, const std::string& prefix) { return name.rfind(prefix, 0) == 0; }

// The largest over tensors of max |a - b| / max |a|: of the parameters, or of the tensors named `prefix`*.
double relative_difference(const Checkpoint& a, const Checkpoint& b, const std::string& prefix = "") {
  double worst = 0;
  for (const auto& [name, x] : a.tensors) {
    const bool parameter = !starts_with(name, "optimizer.") && !starts_with(name, "state.");
    if (prefix.empty() ? !parameter : !starts_with(name, prefix)) continue;
    const Tensor<float>& y = b.tensor(name);
    EXPECT_EQ(x.shape(), y.shape()) << name;
    if (x.shape() != y.shape()) return 1;
    double diff = 0, scale = 1e-12;
    for (int64_t i = 0; i < x.numel(); ++i) {
      diff = std::max(diff, double(std::abs(x[i] - y[i])));
      scale = std::max(scale, double(std::abs(x[i])));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

std::string some_text() {
  return testing::word_salad({"the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "off", "far"}, 3000, 7, 9);
}

// The model and everything but the batch.
const char* kModel = " --hidden 16 --layers 2 --seq 12 --dropout 0 --lr 0.01 --threads 1 --eval-every 10";
const std::string kLanguageModel = std::string(kModel) + " --batch 6";

TEST(CliMpi, TwoRanksTrainTheLanguageModelAsOneRank) {
  if (!kBuiltWithMpi) GTEST_SKIP() << kNoMpi;
  const fs::path dir = testing::fresh_directory_for_test("recur_mpi_");
  const std::string data = quoted(testing::write_file(dir / "text.txt", some_text()).string());
  const auto one = recur_on(0, "train --data " + data + " --run " + quoted((dir / "one").string()) + kLanguageModel +
                                   " --max-iters 20");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = recur_on(2, "train --data " + data + " --run " + quoted((dir / "two").string()) + kLanguageModel +
                                   " --max-iters 20");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_NE(two.output.find("2 processes"), std::string::npos) << two.output;

  const Checkpoint a = load_checkpoint(dir / "one" / "last.safetensors");
  const Checkpoint b = load_checkpoint(dir / "two" / "last.safetensors");
  EXPECT_EQ(b.training.at("iteration"), 20);
  EXPECT_LT(relative_difference(a, b), 1e-5);
  // The carried state of all 6 streams, gathered from both ranks.
  ASSERT_TRUE(b.has("state.h"));
  EXPECT_EQ(b.tensor("state.h").dim(1), 6);
  EXPECT_LT(relative_difference(a, b, "state."), 1e-5);
  EXPECT_NEAR(a.training.at("best_validation_loss").get<double>(), b.training.at("best_validation_loss").get<double>(),
              1e-5);

  // The control: each rank training on its 3 streams alone is visibly different.
  const auto half = recur_on(0, "train --data " + data + " --run " + quoted((dir / "half").string()) + kModel +
                                    " --max-iters 20 --batch 3");
  ASSERT_EQ(half.exit_code, 0) << half.output;
  EXPECT_GT(relative_difference(a, load_checkpoint(dir / "half" / "last.safetensors")), 1e-3);
}

TEST(CliMpi, ResumesOnAnotherNumberOfRanksAtTheSamePlace) {
  if (!kBuiltWithMpi) GTEST_SKIP() << kNoMpi;
  const fs::path dir = testing::fresh_directory_for_test("recur_mpi_");
  const std::string data = quoted(testing::write_file(dir / "text.txt", some_text()).string());
  const auto straight = recur_on(0, "train --data " + data + " --run " + quoted((dir / "straight").string()) +
                                        kLanguageModel + " --max-iters 20");
  ASSERT_EQ(straight.exit_code, 0) << straight.output;
  const Checkpoint reference = load_checkpoint(dir / "straight" / "last.safetensors");

  // 1 rank then 2, and 2 ranks then 1: both land where the straight run did.
  for (const auto& [first, second] : {std::pair{0, 2}, std::pair{2, 0}}) {
    const std::string run = quoted((dir / fmt::format("run{}{}", first, second)).string());
    const auto a = recur_on(first, "train --data " + data + " --run " + run + kLanguageModel + " --max-iters 10");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    const auto b = recur_on(second, "train --resume " + run + " --max-iters 20");
    ASSERT_EQ(b.exit_code, 0) << b.output;
    const Checkpoint resumed = load_checkpoint(dir / fmt::format("run{}{}", first, second) / "last.safetensors");
    EXPECT_EQ(resumed.training.at("iteration"), 20);
    EXPECT_EQ(resumed.training.at("position"), reference.training.at("position"));
    EXPECT_LT(relative_difference(reference, resumed), 1e-5) << first << " then " << second << " ranks";
  }
}

// 163 rows of a sine with a trend and a covariate: with lookback 8 and
// horizon 2, 121 training windows, so batches of 5 end each epoch in a batch
// of 1, and 30 steps cross it: 2 ranks split 5 as 2 + 3, and the last batch
// leaves rank 0 nothing (its gradients then weigh 0).
std::string series_csv() {
  std::string text = "y,x\n";
  for (int t = 0; t < 163; ++t) text += fmt::format("{:.6f},{:.6f}\n", std::sin(t / 3.0) + 0.01 * t, std::cos(t / 7.0));
  return text;
}

TEST(CliMpi, TwoRanksTrainTheForecasterAsOneRank) {
  if (!kBuiltWithMpi) GTEST_SKIP() << kNoMpi;
  const fs::path dir = testing::fresh_directory_for_test("recur_mpi_");
  const std::string data = quoted(testing::write_file(dir / "series.csv", series_csv()).string());
  const std::string flags = " --target y --lookback 8 --horizon 2 --hidden 12 --batch 5 --max-iters 30 "
                            "--eval-every 10 --threads 1 --lr 0.01";
  const auto one = recur_on(0, "forecast train --data " + data + " --run " + quoted((dir / "one").string()) + flags);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = recur_on(2, "forecast train --data " + data + " --run " + quoted((dir / "two").string()) + flags);
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const Checkpoint a = load_checkpoint(dir / "one" / "last.safetensors");
  const Checkpoint b = load_checkpoint(dir / "two" / "last.safetensors");
  EXPECT_GT(a.training.at("epoch").get<double>(), 1.0);  // the short last batch was trained on
  EXPECT_LT(relative_difference(a, b), 1e-5);
}

TEST(CliMpi, ARankThatCannotReadItsDataStopsTheJob) {
  if (!kBuiltWithMpi) GTEST_SKIP() << kNoMpi;
  const fs::path dir = testing::fresh_directory_for_test("recur_mpi_");
  const std::string data = testing::write_file(dir / "text.txt", some_text()).string();
  // Rank 1 is given a file that is not there.
  const std::string script = testing::write_file(dir / "rank.sh", fmt::format(
      "#!/bin/sh\nDATA={}\n[ \"$OMPI_COMM_WORLD_RANK\" = 1 ] && DATA={}\nexec {} train --data \"$DATA\" --run {} {} "
      "--max-iters 100000 --epochs 0\n",
      quoted(data), quoted((dir / "missing.txt").string()), recur_binary(), quoted((dir / "run").string()),
      kLanguageModel)).string();
#ifdef RECUR_MPIRUN
  const auto result = run_command(mpirun(2) + "sh " + quoted(script));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.exit_code, 124) << "timed out: a hang\n" << result.output;
  EXPECT_NE(result.output.find("missing.txt"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("rank 1 of 2"), std::string::npos) << result.output;
#endif
}

TEST(CliMpi, AKilledRankEndsTheJob) {
  if (!kBuiltWithMpi) GTEST_SKIP() << kNoMpi;
  const fs::path dir = testing::fresh_directory_for_test("recur_mpi_");
  const std::string data = testing::write_file(dir / "text.txt", some_text()).string();
  const fs::path run = dir / "run";
  // Rank 1 is killed (SIGKILL: no handler, no message) once the first checkpoint is written (for at
  // most 30 s); rank 0 then waits in an all-reduce.
  const std::string script = testing::write_file(dir / "rank.sh", fmt::format(
      "#!/bin/sh\n[ \"$OMPI_COMM_WORLD_RANK\" = 1 ] && (for i in $(seq 300); do [ -f {0}/last.safetensors ] && break;"
      " sleep 0.1; done; sleep 0.3; kill -9 $$) &\n"
      "exec {1} train --data {2} --run {0} {3} --max-iters 100000000 --epochs 0\n",
      quoted(run.string()), recur_binary(), quoted(data), kLanguageModel)).string();
#ifdef RECUR_MPIRUN
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_command(mpirun(2) + "sh " + quoted(script));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.exit_code, 124) << "timed out: a hang\n" << result.output;
  EXPECT_LT(seconds, 30) << result.output;
  // The last checkpoint written before the kill is whole.
  ASSERT_TRUE(fs::exists(run / "last.safetensors")) << result.output;
  EXPECT_GE(load_checkpoint(run / "last.safetensors").training.at("iteration").get<int64_t>(), 10);
#endif
}

}  // namespace
}  // namespace recur
