// `recur train` through the command line: bad input is a clear message and a
// non-zero exit; Ctrl-C saves and exits; a finished run resumes where it
// stopped, and only on the text it was trained on; every optimizer flag
// reaches the optimizer and is kept in the checkpoint.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include "command_runner.h"
#include "test_files.h"
#include "generated_text.h"
#include "recur/checkpoint.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::run_recur;

using testing::read_file;
using testing::write_file;

fs::path scratch(const std::string& name) { return testing::fresh_directory("recur_cli_train_" + name + "_"); }

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

TEST(CliTrain, AFailingLogIsSaidOnceAndTrainingGoesOn) {
  // log.csv on a full device (/dev/full: every write fails with ENOSPC). The
  // checkpoints are what must not be lost; the log's hole is said, once.
  const fs::path dir = scratch("full-log");
  const std::string data = write_file(dir / "text.txt", some_text()).string();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  fs::create_symlink("/dev/full", run / "log.csv");
  auto r = run_recur("train --data " + data + " --run " + run.string() +
                     " --hidden 8 --layers 1 --batch 4 --seq 10 --eval-every 5 --log-every 2 --threads 1 --max-iters 10");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string warning = "cannot append to " + (run / "log.csv").string();
  const size_t first = r.output.find(warning);
  EXPECT_NE(first, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(warning, first + 1), std::string::npos) << "said more than once:\n" << r.output;
  EXPECT_EQ(load_checkpoint(run / "last.safetensors").training.at("iteration").get<int64_t>(), 10);
}

TEST(CliTrain, FinalLogRowHasItsSpeed) {
  // The row written when a run stops (here at iteration 7, between
  // validations) times the steps since the previous row, as every row does.
  const fs::path dir = scratch("final-row");
  const std::string data = write_file(dir / "text.txt", some_text()).string();
  const std::string run = (dir / "run").string();
  auto r = run_recur("train --data " + data + " --run " + run +
                     " --hidden 8 --layers 1 --batch 4 --seq 10 --eval-every 5 --threads 1 --max-iters 7");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream csv(fs::path(run) / "log.csv");
  std::string line, header, last;
  std::getline(csv, header);
  while (std::getline(csv, line)) last = line;
  ASSERT_EQ(last.rfind("7,", 0), 0u) << last;
  // Columns: iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,tokens_per_s,elapsed_s,
  // clipped_steps
  std::vector<std::string> fields;
  std::stringstream row(last);
  for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
  ASSERT_EQ(fields.size(), 11u) << last;
  EXPECT_GT(std::stod(fields[8]), 0.0) << last;
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

// Word salad whose first line is a permutation of its second: swapping them
// edits the text while keeping its length and its set of characters.
std::string salad() {
  const std::vector<std::string> words = {"the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "off"};
  return testing::word_salad(words, 600, 7, 10);
}

std::string with_first_two_lines_swapped(const std::string& text) {
  const size_t first_end = text.find('\n') + 1, second_end = text.find('\n', first_end) + 1;
  return text.substr(first_end, second_end - first_end) + text.substr(0, first_end) + text.substr(second_end);
}

TEST(CliTrain, ResumeRefusesAnEditedTextWithTheSameCharacters) {
  const fs::path dir = scratch("edited_text");
  const std::string text = salad();
  const std::string edited = with_first_two_lines_swapped(text);
  ASSERT_NE(edited, text);
  ASSERT_EQ(edited.size(), text.size());
  const fs::path data = write_file(dir / "text.txt", text);
  const fs::path run = dir / "run";
  const std::string common = " --hidden 8 --layers 1 --batch 4 --seq 10 --eval-every 5 --threads 1";
  const auto first = run_recur("train --data " + data.string() + " --run " + run.string() + common + " --max-iters 5");
  ASSERT_EQ(first.exit_code, 0) << first.output;

  // The checkpoint records the text's length and FNV-1a hash.
  const nlohmann::json fingerprint =
      load_checkpoint(run / "last.safetensors").training.at("data").at("fingerprint");
  EXPECT_EQ(fingerprint.at("bytes").get<int64_t>(), static_cast<int64_t>(text.size()));
  EXPECT_EQ(fingerprint.at("fnv1a_64").get<std::string>().size(), 16u);

  // Same characters, other text: refused, naming the file, and nothing of the run is touched.
  write_file(data, edited);
  const std::string saved = read_file(run / "last.safetensors"), log = read_file(run / "log.csv");
  const auto saved_time = fs::last_write_time(run / "last.safetensors");
  const auto refused = run_recur("train --resume " + run.string() + " --max-iters 10");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("the training text " + fs::absolute(data).string() + " differs from the text " +
                                (run / "last.safetensors").string() + " was trained on"),
            std::string::npos)
      << refused.output;
  EXPECT_EQ(read_file(run / "last.safetensors"), saved);
  EXPECT_EQ(fs::last_write_time(run / "last.safetensors"), saved_time);
  EXPECT_EQ(read_file(run / "log.csv"), log);

  // The original text back: the run resumes.
  write_file(data, text);
  const auto resumed = run_recur("train --resume " + run.string() + " --max-iters 10");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(load_checkpoint(run / "last.safetensors").training.at("iteration").get<int64_t>(), 10);
}

// Checkpoints written before the fingerprint was recorded still resume: only
// their set of characters can be compared, and a warning says so.
TEST(CliTrain, ResumesACheckpointWithoutAFingerprint) {
  const fs::path dir = scratch("no_fingerprint");
  const std::string text = salad();
  const fs::path data = write_file(dir / "text.txt", text);
  const fs::path run = dir / "run";
  const auto first = run_recur("train --data " + data.string() + " --run " + run.string() +
                               " --hidden 8 --layers 1 --batch 4 --seq 10 --eval-every 5 --threads 1 --max-iters 5");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  Checkpoint old = load_checkpoint(run / "last.safetensors");
  old.training.at("data").erase("fingerprint");
  save_checkpoint(run / "last.safetensors", old);

  // A character the run never saw is still refused.
  write_file(data, text + "!");
  expect_failure_naming("--resume " + run.string() + " --max-iters 10", "its set of characters differs");

  write_file(data, text);
  const auto resumed = run_recur("train --resume " + run.string() + " --max-iters 10");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("records no fingerprint of its training text"), std::string::npos) << resumed.output;
  // The resumed run's checkpoints record it from now on.
  EXPECT_TRUE(load_checkpoint(run / "last.safetensors").training.at("data").contains("fingerprint"));
}

// Each optimizer flag without a counterpart elsewhere: training with it must
// give other weights than without it, and the checkpoint must keep it (so a
// resumed run goes on with it).
TEST(CliTrain, OptimizerFlagsReachTheOptimizer) {
  const fs::path dir = scratch("optimizer_flags");
  const std::string data = write_file(dir / "text.txt", salad()).string();
  struct Case {
    std::string base, flag, option;
    nlohmann::json value;
  };
  const std::vector<Case> cases = {
      {"--optimizer sgd --lr 0.5 --momentum 0.9", "--dampening 0.5", "dampening", 0.5},
      {"--optimizer rmsprop", "--centered", "centered", true},
      {"--optimizer adagrad --lr 0.1", "--lr-decay 0.5", "lr_decay", 0.5},
      {"--optimizer adagrad --lr 0.1", "--initial-accumulator-value 0.1", "initial_accumulator_value", 0.1},
  };
  const auto train = [&](const std::string& name, const std::string& flags) {
    const fs::path run = dir / name;
    const auto result = run_recur("train --data " + data + " --run " + run.string() + " " + flags +
                                  " --hidden 8 --layers 1 --batch 4 --seq 10 --max-iters 3 --eval-every 3 --threads 1");
    EXPECT_EQ(result.exit_code, 0) << flags << "\n" << result.output;
    return load_checkpoint(run / "last.safetensors");
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.flag);
    const Checkpoint without = train("without_" + std::to_string(i), c.base);
    const Checkpoint with = train("with_" + std::to_string(i), c.base + " " + c.flag);
    EXPECT_EQ(with.training.at("trainer").at("optimizer_options").at(c.option), c.value);
    EXPECT_EQ(with.training.at("optimizer").at("options").at(c.option), c.value);
    const Tensor<float>& a = without.tensor("decoder.weight");
    const Tensor<float>& b = with.tensor("decoder.weight");
    EXPECT_FALSE(std::equal(a.data(), a.data() + a.numel(), b.data())) << "the flag changed nothing";
  }
  // Centered RMSprop keeps the running mean of the gradients, and a resumed run goes on with it.
  const fs::path centered = dir / "with_1";
  EXPECT_TRUE(load_checkpoint(centered / "last.safetensors").has("optimizer.decoder.weight.grad_avg"));
  expect_failure_naming("--resume " + centered.string() + " --max-iters 6 --centered", "--centered cannot change");
  const auto resumed = run_recur("train --resume " + centered.string() + " --max-iters 6");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(load_checkpoint(centered / "last.safetensors").training.at("optimizer").at("options").at("centered"),
            true);
}

// Out of range, or not an option of the chosen optimizer: refused, naming the
// flag, before anything is read or written.
TEST(CliTrain, BadOptimizerFlagsAreNamed) {
  const fs::path dir = scratch("bad_optimizer_flags");
  const std::string good = write_file(dir / "good.txt", some_text()).string();
  const std::string run = " --run " + (dir / "run").string() + " --max-iters 2 --data " + good;
  expect_failure_naming(run + " --optimizer sgd --momentum 0.9 --dampening 1.5", "--dampening: ");
  expect_failure_naming(run + " --optimizer sgd --momentum 0.9 --dampening -0.1", "--dampening: ");
  expect_failure_naming(run + " --optimizer sgd --momentum 0.9 --dampening 0.5 --nesterov", "--nesterov: ");
  expect_failure_naming(run + " --optimizer adagrad --lr-decay -1", "--lr-decay: ");
  expect_failure_naming(run + " --optimizer adagrad --initial-accumulator-value -0.5", "--initial-accumulator-value: ");
  expect_failure_naming(run + " --optimizer adagrad --initial-accumulator-value inf", "--initial-accumulator-value: ");
  // Each belongs to one optimizer only.
  expect_failure_naming(run + " --optimizer adam --centered", "--centered: optimizer adam has no option centered");
  expect_failure_naming(run + " --optimizer rmsprop --dampening 0.1", "--dampening: ");
  expect_failure_naming(run + " --optimizer sgd --lr-decay 0.1", "--lr-decay: ");
  expect_failure_naming(run + " --optimizer adamw --initial-accumulator-value 0.1", "--initial-accumulator-value: ");
  EXPECT_FALSE(fs::exists(dir / "run"));
}

}  // namespace
}  // namespace recur
