// PyTorch parity: every committed reference case passes `recur check`, and the
// check itself is shown to fail when it should (a corrupted expectation, a
// malformed file). The cases come from scripts/make_reference.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "recur/reference_case.h"
#include "recur/safetensors.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtureDirectory = fs::path(RECUR_SOURCE_DIR) / "tests" / "fixtures";

using testing::CommandResult;
using testing::quoted;
using testing::run_command;

// `recur check FILES`; `environment` ("NAME=value ") goes before the command.
CommandResult recur_check(const std::vector<std::string>& files, const std::string& environment = "") {
  std::string command = environment + quoted(RECUR_BINARY) + " check";
  for (const std::string& f : files) command.append(" ").append(quoted(f));  // (not " " + ...: GCC 12 -Wrestrict false positive)
  return run_command(command);
}

// The committed cases: tests/fixtures/*.safetensors (subdirectories belong to other tests).
std::vector<std::string> fixture_files() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kFixtureDirectory, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".safetensors") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string fixture(const std::string& name) { return (kFixtureDirectory / name).string(); }

class ReferenceCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 (std::string("recur_reference_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // Copies a fixture with one element of one tensor moved by `delta` (in units of the tensor's largest magnitude).
  std::string corrupted_copy(const std::string& fixture_name, const std::string& tensor, int64_t element,
                             double delta) const {
    SafetensorsFile file = read_safetensors(fixture(fixture_name));
    Tensor<double> values = file.tensor<double>(tensor);
    double scale = 0;
    for (double v : values.values()) scale = std::max(scale, std::abs(v));
    values[element] += delta * scale;
    const bool is_double = file.entry(tensor).dtype == Dtype::F64;
    file.tensors[tensor] = is_double ? TensorEntry::from(values) : TensorEntry::from(tensor_cast<float>(values));
    const std::string out = path("corrupted_" + fixture_name);
    write_safetensors(out, file.tensors, file.metadata);
    return out;
  }

  fs::path directory_;
};

TEST(ReferenceFixtures, TheCommittedSetIsPresent) {
  // 4 cells x {1, 2} layers x {uni, bi} x {equal, variable} lengths x {f32, f64}.
  EXPECT_GE(fixture_files().size(), 64u) << "regenerate with: scripts/make_reference.py --fixtures tests/fixtures";
}

class EachReferenceFixture : public ::testing::TestWithParam<std::string> {};

// RECUR_ENGINE=onednn: every float case on oneDNN's primitives where the
// build has them, variable lengths as time segments (these shapes are too
// small for the default rule to choose that).
TEST_P(EachReferenceFixture, PassesRecurCheck) {
  const CommandResult result = recur_check({GetParam()}, "RECUR_ENGINE=onednn ");
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

// recur's own float kernels must match PyTorch just the same.
TEST_P(EachReferenceFixture, PassesRecurCheckOnRecurKernels) {
  const CommandResult result = recur_check({GetParam()}, "RECUR_ENGINE=recur ");
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

std::string fixture_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EachReferenceFixture, ::testing::ValuesIn(fixture_files()), fixture_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EachReferenceFixture);  // TheCommittedSetIsPresent reports an empty set

TEST_F(ReferenceCaseTest, CheckFailsWhenAnExpectedOutputIsWrong) {
  // Element 0 is step 0 of sequence 0, valid whatever the lengths.
  const std::string file = corrupted_copy("lstm_l2_bi_var_f32.safetensors", "output", 0, 1e-2);
  const CommandResult result = recur_check({file});
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("FAIL"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("output"), std::string::npos) << result.output;
}

TEST_F(ReferenceCaseTest, CheckFailsWhenAnExpectedGradientIsWrong) {
  const std::string file = corrupted_copy("gru_l2_bi_equal_f64.safetensors", "grad.weight_hh_l1_reverse", 5, 1e-6);
  const CommandResult result = recur_check({file});
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("exceeds tolerance"), std::string::npos) << result.output;
}

TEST_F(ReferenceCaseTest, PaddedOutputIsComparedAgainstZero) {
  // Whatever a file holds past a sequence's length, the expected output there is zero.
  const std::string source = "rnn_tanh_l1_uni_var_f64.safetensors";
  const SafetensorsFile file = read_safetensors(fixture(source));
  const std::vector<int64_t> lengths = file.integers("lengths");
  const int64_t batch = static_cast<int64_t>(lengths.size());
  const int64_t width = file.entry("output").shape[2];
  const auto shortest = std::min_element(lengths.begin(), lengths.end());
  const int64_t b = shortest - lengths.begin();
  ASSERT_LT(*shortest, file.entry("output").shape[0]) << "fixture should have a padded step";
  const int64_t padded_element = (*shortest * batch + b) * width;
  const CommandResult result = recur_check({corrupted_copy(source, "output", padded_element, 10.0)});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(ReferenceCaseTest, MalformedFileIsReportedAndOthersStillChecked) {
  const std::string garbage = path("garbage.safetensors");
  { std::FILE* f = std::fopen(garbage.c_str(), "wb"); std::fputs("not a safetensors file at all", f); std::fclose(f); }
  const std::string good = fixture("rnn_relu_l1_uni_equal_f32.safetensors");
  const CommandResult result = recur_check({garbage, good});
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(garbage + ": header length"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("PASS"), std::string::npos) << "the good file must still be checked:\n" << result.output;
  EXPECT_NE(result.output.find("1 passed, 1 failed"), std::string::npos) << result.output;
}

TEST_F(ReferenceCaseTest, MissingTensorIsNamed) {
  SafetensorsFile file = read_safetensors(fixture("lstm_l1_uni_equal_f32.safetensors"));
  file.tensors.erase("grad_c0");
  const std::string out = path("missing.safetensors");
  write_safetensors(out, file.tensors, file.metadata);
  try {
    run_reference_case(out);
    ADD_FAILURE() << "a case without grad_c0 was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(out), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'grad_c0'"), std::string::npos) << e.what();
  }
}

TEST_F(ReferenceCaseTest, MetadataThatContradictsTheTensorsIsAnError) {
  SafetensorsFile file = read_safetensors(fixture("gru_l1_uni_equal_f32.safetensors"));
  nlohmann::json config = nlohmann::json::parse(file.metadata.at(kReferenceMetadataKey));
  config["hidden_size"] = config["hidden_size"].get<int>() + 1;
  file.metadata[kReferenceMetadataKey] = config.dump();
  const std::string out = path("contradiction.safetensors");
  write_safetensors(out, file.tensors, file.metadata);
  EXPECT_THROW(run_reference_case(out), FormatError);
}

// A case of a random shape, generated now: the committed fixtures cannot cover
// every shape, and a fresh one guards against kernels tuned to the fixtures.
TEST_F(ReferenceCaseTest, FreshRandomCaseFromPyTorchPasses) {
  if (const std::string why = testing::torch_unavailable(); !why.empty()) GTEST_SKIP() << why;

  std::random_device device;
  const unsigned seed = device();
  std::mt19937 random(seed);
  auto pick = [&](int low, int high) { return std::to_string(low + static_cast<int>(random() % (high - low + 1))); };
  const char* cells[] = {"rnn_tanh", "rnn_relu", "lstm", "gru"};
  const std::string out = path("fresh.safetensors");
  std::string command = std::string(testing::kPython) + " " +
                        quoted(std::string(RECUR_SOURCE_DIR) + "/scripts/make_reference.py") + " --cell " + cells[random() % 4] + " --input-size " + pick(1, 7) + " --hidden-size " +
                        pick(1, 9) + " --layers " + pick(1, 3) + " --seq " + pick(1, 9) + " --batch " + pick(1, 5) +
                        " --dtype " + (random() % 2 ? "f32" : "f64") + " --seed " + std::to_string(seed % 100000) +
                        (random() % 2 ? " --bidirectional" : "") + (random() % 2 ? " --lengths" : "") +
                        (random() % 4 == 0 ? " --no-bias" : "") + " --out " + quoted(out);
  SCOPED_TRACE("generated with: " + command);
  const CommandResult generated = run_command(command);
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  const CommandResult result = recur_check({out});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

}  // namespace
}  // namespace recur
