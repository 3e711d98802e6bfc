// `recur train` through the command line: bad input is a clear message and a
// non-zero exit; Ctrl-C saves and exits; a finished run resumes where it stopped.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "command_runner.h"
#include "recur/checkpoint.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::run_recur;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recur_cli_train_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string some_text() {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "To be, or not to be, that is the question.\n";
  return text;
}

void expect_failure_naming(const std::string& args, const std::string& needle) {
  const auto result = run_recur("train " + args);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(needle), std::string::npos) << "expected '" << needle << "' in:\n" << result.output;
  EXPECT_EQ(result.output.find("terminate called"), std::string::npos) << result.output;
}

TEST(CliTrain, BadInputsAreNamed) {
  const fs::path dir = scratch("bad_inputs");
  const std::string run = " --run " + (dir / "run").string() + " --max-iters 2";
  expect_failure_naming("--data " + (dir / "missing.txt").string() + run, "missing.txt");
  expect_failure_naming("--data " + write_file(dir / "empty.txt", "").string() + run, "empty.txt");
  expect_failure_naming("--data " + write_file(dir / "binary.txt", std::string("abc\0def", 7)).string() + run,
                        "binary.txt");
  expect_failure_naming("--data " + write_file(dir / "latin1.txt", "caf\xe9 au lait\n").string() + run, "offset 3");
  const std::string good = write_file(dir / "good.txt", some_text()).string();
  expect_failure_naming("--data " + good + run + " --hidden 0", "--hidden");
  expect_failure_naming("--data " + good + run + " --dropout 1.5", "--dropout");
  expect_failure_naming("--data " + good + run + " --cell transformer", "transformer");
  expect_failure_naming("--data " + good + run + " --optimizer adam --momentum 0.9", "momentum");
  expect_failure_naming("--data " + good + run + " --max-time soon", "--max-time");
  expect_failure_naming("--data " + good + run + " --batch 5000", "streams");
  expect_failure_naming("--data " + good + run + " --val-frac 1.5", "validation");
  expect_failure_naming(run, "--data");
  expect_failure_naming("--resume " + (dir / "nowhere").string(), "nowhere");
  // A cosine schedule with no end would drop to --min-lr right after warm-up.
  expect_failure_naming("--data " + good + " --run " + (dir / "run").string() +
                            " --epochs 0 --max-time 5 --schedule cosine",
                        "--schedule cosine");
  const auto engine = testing::run_command("RECUR_ENGINE=fastest " + std::string(RECUR_BINARY) + " train --data " +
                                           good + run);
  EXPECT_NE(engine.exit_code, 0) << engine.output;
  EXPECT_NE(engine.output.find("RECUR_ENGINE"), std::string::npos) << engine.output;
}

TEST(CliTrain, RefusesToOverwriteARunAndResumesIt) {
  const fs::path dir = scratch("resume");
  const std::string data = write_file(dir / "text.txt", some_text()).string();
  const std::string run = (dir / "run").string();
  const std::string common = " --hidden 8 --layers 1 --batch 4 --seq 10 --eval-every 5 --threads 1";
  auto first = run_recur("train --data " + data + " --run " + run + common + " --max-iters 5");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto before = fs::last_write_time(fs::path(run) / "last.safetensors");
  expect_failure_naming("--data " + data + " --run " + run + common + " --max-iters 5", "already holds a checkpoint");
  EXPECT_EQ(fs::last_write_time(fs::path(run) / "last.safetensors"), before);  // nothing saved was touched

  // A resumed run keeps its settings: changing one is refused, naming it, before anything is written.
  expect_failure_naming("--resume " + run + " --max-iters 10 --lr 0.5 --hidden 99", "--hidden, --lr cannot change");
  EXPECT_EQ(fs::last_write_time(fs::path(run) / "last.safetensors"), before);

  auto resumed = run_recur("train --resume " + run + " --max-iters 10");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(load_checkpoint(fs::path(run) / "last.safetensors").training.at("iteration").get<int64_t>(), 10);
  // The log continued: both sessions' rows are in the one CSV.
  std::ifstream csv(fs::path(run) / "log.csv");
  std::string line, last;
  int rows = 0;
  while (std::getline(csv, line)) ++rows, last = line;
  EXPECT_GE(rows, 3);
  EXPECT_EQ(last.rfind("10,", 0), 0u) << last;
}

TEST(CliTrain, InterruptSavesACheckpointAndExitsCleanly) {
  const fs::path dir = scratch("interrupt");
  const std::string data = write_file(dir / "text.txt", some_text()).string();
  const fs::path run = dir / "run";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string log = (dir / "output.txt").string();
    freopen(log.c_str(), "w", stderr);
    execl(RECUR_BINARY, RECUR_BINARY, "train", "--data", data.c_str(), "--run", run.c_str(), "--hidden", "8",
          "--layers", "1", "--batch", "4", "--seq", "10", "--max-iters", "100000000", "--eval-every", "1000000",
          "--epochs", "0", "--threads", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Let it get into the loop, then press Ctrl-C.
  for (int i = 0; i < 100 && !fs::exists(run / "log.csv"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of exiting";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  ASSERT_TRUE(fs::exists(run / "last.safetensors"));
  const Checkpoint saved = load_checkpoint(run / "last.safetensors");
  EXPECT_GT(saved.training.at("iteration").get<int64_t>(), 0);
}

}  // namespace
}  // namespace recur
