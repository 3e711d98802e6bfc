// `recur bench`: both modes run and report what bench/compare reads, the
// variable-length options reach the stack, and bad flags are refused by name.
// Timings themselves are never asserted (they belong to bench/compare).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "command_runner.h"
#include "nn/onednn_layer.h"

namespace recur {
namespace {

using testing::run_recur;

nlohmann::json bench_json(const std::string& flags) {
  const testing::CommandResult r = run_recur("bench --json --warmup 0 --repeats 2 " + flags);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return nlohmann::json::parse(r.output);
}

TEST(CliBench, TrainReportsTheKeysCompareReads) {
  const nlohmann::json j = bench_json("--cell gru --hidden 64 --layers 2 --batch 16 --seq 6");
  for (const char* key : {"median_ms", "tokens_per_s", "gflops", "peak_rss_mb", "baseline_rss_mb",
                          "peak_rss_delta_mb", "cpu_per_wall", "threads"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_GT(j["tokens_per_s"].get<double>(), 0);
  EXPECT_GE(j["peak_rss_mb"].get<double>(), j["baseline_rss_mb"].get<double>());
  EXPECT_EQ(j["engine"], onednn::enabled() ? "onednn" : "recur");
}

TEST(CliBench, GenerateRunsAtBatchOne) {
  const nlohmann::json j = bench_json("--mode generate --hidden 16 --layers 1 --seq 20 --vocab 7");
  EXPECT_EQ(j["batch"], 1);
  EXPECT_EQ(j["mode"], "generate");
  EXPECT_EQ(j["engine"], "recur");  // generation steps recur's own batch-1 kernels
}

TEST(CliBench, LengthOptionsRunThePackedPath) {
  // 64 distinct lengths: a tiny model runs them on recur's kernels (too little
  // work per segment), unless RECUR_ENGINE=onednn asks for oneDNN's segments.
  const std::string many_flags =
      "--cell lstm --hidden 8 --layers 1 --batch 64 --seq 70 --variable-lengths --distinct-lengths 64 --bidirectional";
  EXPECT_EQ(bench_json(many_flags)["engine"], "recur");
  if (onednn::enabled()) {
    const testing::CommandResult forced = testing::run_command(
        "RECUR_ENGINE=onednn " + std::string(RECUR_BINARY) + " bench --json --warmup 0 --repeats 2 " + many_flags);
    ASSERT_EQ(forced.exit_code, 0) << forced.output;
    EXPECT_EQ(nlohmann::json::parse(forced.output)["engine"], "onednn");
  }
  // Random lengths make new shapes every step.
  const nlohmann::json random = bench_json("--cell rnn_relu --hidden 8 --layers 2 --batch 5 --seq 9 --random-lengths");
  EXPECT_GT(random["tokens_per_s"].get<double>(), 0);
}

TEST(CliBench, BadFlagsAreNamed) {
  const std::pair<std::string, std::string> cases[] = {
      {"--variable-lengths --distinct-lengths 1", "--distinct-lengths"},
      {"--variable-lengths --batch 4 --distinct-lengths 5", "--distinct-lengths"},
      {"--variable-lengths --random-lengths", "--random-lengths"},
      {"--mode generate --vocab 5 --random-lengths", "--random-lengths"},
      {"--mode generate --vocab 1", "--vocab"},
      {"--cell lstmm", "lstmm"},
      {"--dropout 1", "--dropout"},
  };
  for (const auto& [flags, named] : cases) {
    const testing::CommandResult r = run_recur("bench --hidden 8 --seq 4 --repeats 1 " + flags);
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_NE(r.output.find(named), std::string::npos) << flags << "\n" << r.output;
  }
}

}  // namespace
}  // namespace recur
