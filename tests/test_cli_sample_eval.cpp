// `recur sample` and `recur eval` through the command line: every bad file or
// flag is a message naming it and an ordinary non-zero exit (never a signal);
// greedy and seeded sampling repeat; eval's three units agree.
//
// One tiny model is trained once for the whole suite (SetUpTestSuite).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "test_files.h"
#include "generated_text.h"
#include "recur/checkpoint.h"
#include "recur/data_split.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::quoted;
using testing::run_recur;

using testing::read_file;
using testing::write_file;

// Lower-case prose: no capitals, no digits, no '€', so those make good
// out-of-vocabulary characters.
std::string training_text() {
  const std::vector<std::string> words = {"the", "cat", "sat", "on", "a", "mat", "and", "then", "it", "ran",
                                          "off", "to", "see", "dog", "who", "was", "not", "there,", "so", "home."};
  return testing::word_salad(words, 900, 12345, 11);
}

class CliSampleEval : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest runs each test of this suite in a process of its own, in parallel.
    dir_ = testing::fresh_directory("recur_cli_sample_eval_");
    text_ = training_text();
    data_ = write_file(dir_ / "text.txt", text_);
    run_ = dir_ / "run";
    const CommandResult trained =
        run_recur("train --data " + data_.string() + " --run " + run_.string() +
                  " --hidden 16 --layers 1 --batch 4 --seq 16 --max-iters 30 --eval-every 15 --val-frac 0.2"
                  " --lr 0.01 --threads 1 --seed 3");
    train_output_ = trained.output;
    trained_ = trained.exit_code == 0 && fs::exists(run_ / "last.safetensors") && fs::exists(run_ / "best.safetensors");
  }

  static void TearDownTestSuite() { fs::remove_all(dir_); }

  void SetUp() override { ASSERT_TRUE(trained_) << "recur train failed:\n" << train_output_; }

  static std::string checkpoint() { return (run_ / "last.safetensors").string(); }

  static inline fs::path dir_, data_, run_;
  static inline std::string text_, train_output_;
  static inline bool trained_ = false;
};

// Fails with a message holding every needle, exits normally (not killed by a
// signal) with a non-zero status and never aborts.
void expect_clean_failure(const std::string& args, const std::vector<std::string>& needles) {
  SCOPED_TRACE("recur " + args);
  const CommandResult result = run_recur(args);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_LT(result.exit_code, 128) << "killed by a signal?\n" << result.output;
  for (const std::string& needle : needles)
    EXPECT_NE(result.output.find(needle), std::string::npos) << "expected '" << needle << "' in:\n" << result.output;
  for (const char* crash : {"terminate called", "Segmentation", "Aborted", "core dumped"})
    EXPECT_EQ(result.output.find(crash), std::string::npos) << result.output;
}

// The same bad CHECKPOINT argument for both commands.
void expect_both_fail(const std::string& checkpoint, const std::vector<std::string>& needles) {
  expect_clean_failure("sample " + checkpoint + " --length 10 --seed 1", needles);
  expect_clean_failure("eval " + checkpoint + " --split validation", needles);
}

CommandResult sample(const std::string& checkpoint, const std::string& flags) {
  return run_recur("sample " + checkpoint + " --threads 1 " + flags);
}

TEST_F(CliSampleEval, MissingCheckpointOrEmptyFolderIsNamed) {
  expect_both_fail((dir_ / "nowhere.safetensors").string(), {"nowhere.safetensors", "does not exist"});
  fs::create_directories(dir_ / "empty_run");
  expect_both_fail((dir_ / "empty_run").string(), {"empty_run", "best.safetensors"});
}

TEST_F(CliSampleEval, EmptyFileIsNamed) {
  const fs::path empty = write_file(dir_ / "empty.safetensors", "");
  expect_both_fail(empty.string(), {"empty.safetensors", "is empty"});
}

TEST_F(CliSampleEval, TruncatedCheckpointIsNamed) {
  const std::string bytes = read_file(checkpoint());
  ASSERT_GT(bytes.size(), 100u);
  uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = header << 8 | static_cast<unsigned char>(bytes[i]);
  // Inside the length, inside the header, at the half and one byte short.
  for (size_t cut : {size_t(4), size_t(8 + header / 2), bytes.size() / 2, bytes.size() - 1}) {
    const fs::path truncated = write_file(dir_ / ("truncated_" + std::to_string(cut) + ".safetensors"),
                                          bytes.substr(0, cut));
    expect_both_fail(truncated.string(), {truncated.filename().string()});
  }
}

TEST_F(CliSampleEval, ForeignFilesAreNamed) {
  const fs::path text = write_file(dir_ / "notes.txt", "These are notes, not a checkpoint.\n");
  expect_both_fail(text.string(), {"notes.txt"});
  // A valid safetensors file that is a reference case, not a checkpoint.
  const std::string reference = std::string(RECUR_SOURCE_DIR) + "/tests/fixtures/lstm_l1_uni_equal_f32.safetensors";
  ASSERT_TRUE(fs::exists(reference));
  expect_both_fail(reference, {"lstm_l1_uni_equal_f32.safetensors", "not a recur checkpoint"});

  // Checkpoints of the right format but the wrong content.
  const Checkpoint good = load_checkpoint(checkpoint());
  Checkpoint other_task = good;
  other_task.model["task"] = "classifier";
  save_checkpoint(dir_ / "classifier.safetensors", other_task);
  expect_both_fail((dir_ / "classifier.safetensors").string(), {"classifier.safetensors", "not a character"});
  Checkpoint missing = good;
  missing.tensors.erase("decoder.bias");
  save_checkpoint(dir_ / "missing_tensor.safetensors", missing);
  expect_both_fail((dir_ / "missing_tensor.safetensors").string(), {"missing_tensor.safetensors", "decoder.bias"});
  Checkpoint misshapen = good;
  misshapen.tensors["rnn.weight_hh_l0"] = Tensor<float>({3, 5});
  save_checkpoint(dir_ / "misshapen.safetensors", misshapen);
  expect_both_fail((dir_ / "misshapen.safetensors").string(), {"misshapen.safetensors", "rnn.weight_hh_l0"});
}

TEST_F(CliSampleEval, PrimeOutsideTheVocabularyIsNamed) {
  expect_clean_failure("sample " + checkpoint() + " --prime " + quoted("the Cat costs 5\xE2\x82\xAC"),
                       {"--prime", "'C' (U+0043)", "'5' (U+0035)", "U+20AC"});
  expect_clean_failure("sample " + checkpoint() + " --prime ''", {"--prime"});
  // The same for a text to evaluate.
  const fs::path foreign = write_file(dir_ / "shouting.txt", "THE CAT SAT ON THE MAT\n");
  expect_clean_failure("eval " + checkpoint() + " --text " + foreign.string(), {"shouting.txt", "'T' (U+0054)"});
}

TEST_F(CliSampleEval, OutOfRangeFlagsAreNamed) {
  const std::string s = "sample " + checkpoint() + " --seed 1 ";
  expect_clean_failure(s + "--temperature -1", {"--temperature"});
  expect_clean_failure(s + "--temperature nan", {"--temperature"});
  expect_clean_failure(s + "--top-k -1", {"--top-k"});
  expect_clean_failure(s + "--top-p 0", {"--top-p"});
  expect_clean_failure(s + "--top-p 1.5", {"--top-p"});
  expect_clean_failure(s + "--length -1", {"--length"});
  expect_clean_failure(s + "--threads -1", {"--threads"});
  expect_clean_failure(s + "--length many", {"--length"});
  const std::string e = "eval " + checkpoint() + " ";
  expect_clean_failure(e + "--split validation --batch 0", {"--batch"});
  expect_clean_failure(e + "--split validation --seq 0", {"--seq"});
  expect_clean_failure(e + "--split training", {"--split"});
  expect_clean_failure(e, {"--text", "--split"});
  expect_clean_failure(e + "--split validation --text " + data_.string(), {"--text", "--split"});
  expect_clean_failure(e + "--text " + (dir_ / "absent.txt").string(), {"absent.txt"});
}

TEST_F(CliSampleEval, GreedySamplingRepeatsAndEqualsTemperatureZero) {
  const CommandResult first = sample(checkpoint(), "--greedy --length 120 --prime 'the '");
  const CommandResult second = sample(checkpoint(), "--greedy --length 120 --prime 'the '");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(first.output, second.output);
  EXPECT_EQ(first.output.rfind("the ", 0), 0u) << "the prime comes first: " << first.output;
  EXPECT_EQ(first.output.size(), 4u + 120u) << first.output;  // the text is ASCII: one byte per character

  // Temperature 0, top-k 1 and a different seed all take the most likely character.
  const CommandResult zero = sample(checkpoint(), "--temperature 0 --seed 99 --length 120 --prime 'the '");
  ASSERT_EQ(zero.exit_code, 0) << zero.output;
  EXPECT_EQ(zero.output, first.output);
  const CommandResult top1 = sample(checkpoint(), "--top-k 1 --seed 5 --length 120 --prime 'the '");
  ASSERT_EQ(top1.exit_code, 0) << top1.output;
  EXPECT_EQ(top1.output, first.output);

  // --length 0 prints the prime alone.
  const CommandResult prime_only = sample(checkpoint(), "--greedy --length 0 --prime 'a cat'");
  ASSERT_EQ(prime_only.exit_code, 0) << prime_only.output;
  EXPECT_EQ(prime_only.output, "a cat");
}

TEST_F(CliSampleEval, SeedMakesSamplingReproducible) {
  const CommandResult a = sample(checkpoint(), "--seed 17 --length 200");
  const CommandResult b = sample(checkpoint(), "--seed 17 --length 200");
  const CommandResult c = sample(checkpoint(), "--seed 18 --length 200");
  ASSERT_EQ(a.exit_code, 0) << a.output;
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.output.size(), 200u);
  EXPECT_NE(a.output, c.output);  // 200 characters from a barely trained model: never all equal
  // Every sampled character comes from the training text's vocabulary.
  for (char ch : a.output) EXPECT_NE(text_.find(ch), std::string::npos) << "'" << ch << "' is not in the vocabulary";
  // The same seed under another temperature draws from another distribution.
  const CommandResult hot = sample(checkpoint(), "--seed 17 --length 200 --temperature 3");
  ASSERT_EQ(hot.exit_code, 0) << hot.output;
  EXPECT_NE(hot.output, a.output);
}

TEST_F(CliSampleEval, EvalUnitsAgreeAndJsonParses) {
  const CommandResult plain = run_recur("eval " + checkpoint() + " --split validation --threads 1");
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  const std::regex loss_line(R"(loss\s+([0-9.]+) nats/char\s+([0-9.]+) bits/char\s+perplexity ([0-9.]+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(plain.output, m, loss_line)) << plain.output;
  const double nats = std::stod(m[1]), bits = std::stod(m[2]), perplexity = std::stod(m[3]);
  EXPECT_GT(nats, 0.5);  // a barely trained model, far from perfect
  EXPECT_LT(nats, 5.0);
  // Printed with 4 and 3 decimals.
  EXPECT_NEAR(bits, nats / std::log(2.0), 2e-4);
  EXPECT_NEAR(perplexity, std::exp(nats), 1e-3 + 1e-4 * perplexity);

  const CommandResult json_run = run_recur("eval " + checkpoint() + " --split validation --json --threads 1");
  ASSERT_EQ(json_run.exit_code, 0) << json_run.output;
  nlohmann::json report;
  ASSERT_NO_THROW(report = nlohmann::json::parse(json_run.output)) << json_run.output;
  const double j_nats = report.at("nats_per_char").get<double>();
  EXPECT_NEAR(report.at("bits_per_char").get<double>(), j_nats / std::log(2.0), 1e-12);
  EXPECT_NEAR(report.at("perplexity").get<double>(), std::exp(j_nats), 1e-12 * std::exp(j_nats));
  EXPECT_NEAR(j_nats, nats, 5.1e-5);
  EXPECT_EQ(report.at("unit").get<std::string>(), "codepoint");
  EXPECT_EQ(report.at("streams").get<int64_t>(), 1);
  // The validation split is the last 20% of the text; one stream scores all but its first character.
  const SplitBoundaries bounds = split_boundaries(static_cast<int64_t>(text_.size()), {0.2, 0.0});
  EXPECT_EQ(report.at("characters").get<int64_t>(), bounds.validation_end - bounds.train_end - 1);

  // The same text given as a file scores the same.
  const fs::path validation_text =
      write_file(dir_ / "validation.txt", text_.substr(bounds.train_end, bounds.validation_end - bounds.train_end));
  const CommandResult file_run =
      run_recur("eval " + checkpoint() + " --text " + validation_text.string() + " --json --threads 1");
  ASSERT_EQ(file_run.exit_code, 0) << file_run.output;
  EXPECT_NEAR(nlohmann::json::parse(file_run.output).at("nats_per_char").get<double>(), j_nats, 1e-9);

  // With the training --batch and --seq, eval reproduces the validation loss the
  // run recorded for its best checkpoint.
  const fs::path best = run_ / "best.safetensors";
  const double recorded = load_checkpoint(best).training.at("best_validation_loss").get<double>();
  const CommandResult as_trained =
      run_recur("eval " + run_.string() + " --split validation --batch 4 --seq 16 --json --threads 1");
  ASSERT_EQ(as_trained.exit_code, 0) << as_trained.output;
  const nlohmann::json trained_report = nlohmann::json::parse(as_trained.output);
  EXPECT_EQ(fs::path(trained_report.at("checkpoint").get<std::string>()).filename(), "best.safetensors");
  EXPECT_NEAR(trained_report.at("nats_per_char").get<double>(), recorded, 1e-5 * recorded);
}

// The run's text edited without changing its characters (two lines swapped):
// eval --split still runs, but warns that the part held out may have moved.
TEST_F(CliSampleEval, EvalSplitWarnsWhenTheTrainingTextChanged) {
  const std::string split = "eval " + checkpoint() + " --split validation --batch 4 --seq 16 --threads 1";
  const CommandResult unchanged = run_recur(split);
  ASSERT_EQ(unchanged.exit_code, 0) << unchanged.output;
  EXPECT_EQ(unchanged.output.find("warning"), std::string::npos) << unchanged.output;

  const size_t first_end = text_.find('\n') + 1, second_end = text_.find('\n', first_end) + 1;
  const std::string edited =
      text_.substr(first_end, second_end - first_end) + text_.substr(0, first_end) + text_.substr(second_end);
  ASSERT_NE(edited, text_);
  write_file(data_, edited);
  const CommandResult changed = run_recur(split);
  write_file(data_, text_);  // the other tests of this process read it
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_NE(changed.output.find("changed since it was saved (its bytes differ"), std::string::npos)
      << changed.output;
}

}  // namespace
}  // namespace recur
