// Checkpoints survive failures: a write that fails (full disk, a folder that
// cannot take the file) throws one clear error and leaves the previous
// checkpoint whole; loading refuses tensors that do not fit the model and
// metadata nested too deeply; one training process per run folder.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "command_runner.h"
#include "recur/checkpoint.h"
#include "recur/option_error.h"
#include "recur/recurrent.h"
#include "recur/run_lock.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::fresh_directory_for_test;
using testing::read_file;

Checkpoint checkpoint_of(float fill, int64_t size) {
  Checkpoint c;
  Tensor<float> w({size});
  for (int64_t i = 0; i < size; ++i) w[i] = fill + static_cast<float>(i);
  c.tensors["w"] = w;
  c.model = {{"task", "test"}};
  c.training = {{"iteration", 1}};
  return c;
}

// Saves in a child process whose file-size limit (RLIMIT_FSIZE) is
// `limit_bytes`: to the writer, exactly a disk that fills at that size.
// Returns the child's error message ("" if the save succeeded).
std::string save_with_file_size_limit(const fs::path& path, const Checkpoint& checkpoint, rlim_t limit_bytes) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);  // EFBIG from write(), as ENOSPC would be, instead of a signal
    const rlimit limit{limit_bytes, limit_bytes};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string message;
    try {
      save_checkpoint(path, checkpoint);
    } catch (const std::exception& e) {
      message = e.what();
    }
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[1024];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return message;
}

TEST(CheckpointSafety, FullDiskKeepsThePreviousCheckpointWhole) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  const fs::path path = dir / "last.safetensors";
  save_checkpoint(path, checkpoint_of(1.0f, 100));
  const std::string before = read_file(path);

  const std::string error = save_with_file_size_limit(path, checkpoint_of(2.0f, 10000), 16 * 1024);
  EXPECT_NE(error.find("cannot write " + path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_NE(error.find("unchanged"), std::string::npos) << error;
  EXPECT_EQ(read_file(path), before);
  EXPECT_FALSE(fs::exists(dir / "last.safetensors.tmp"));
  EXPECT_EQ(load_checkpoint(path).tensor("w")[99], 100.0f);

  // The same process writes it once the disk has room again.
  EXPECT_EQ(save_with_file_size_limit(path, checkpoint_of(2.0f, 10000), RLIM_INFINITY), "");
  EXPECT_EQ(load_checkpoint(path).tensor("w")[9999], 10001.0f);
  fs::remove_all(dir);
}

TEST(CheckpointSafety, AFolderThatRefusesTheFileKeepsThePreviousCheckpoint) {
  // As root, permissions do not stop a write; a directory in the temporary
  // file's place makes open() fail the same way a read-only folder does.
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  const fs::path path = dir / "last.safetensors";
  save_checkpoint(path, checkpoint_of(1.0f, 10));
  const std::string before = read_file(path);
  fs::create_directory(dir / "last.safetensors.tmp");
  try {
    save_checkpoint(path, checkpoint_of(2.0f, 10));
    ADD_FAILURE() << "the save should have failed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write " + path.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), before);
  fs::remove_all(dir);
}

TEST(CheckpointSafety, LoadingRefusesATensorOfAnotherDtype) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  const fs::path path = dir / "f64.safetensors";
  write_safetensors(path.string(), {{"w", TensorEntry::from(Tensor<double>({2}))}},
                    {{"recur.format", kCheckpointFormat}, {"recur.model", "{}"}, {"recur.training", "{}"}});
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "an F64 tensor was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'w' is F64, checkpoints hold F32"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(CheckpointSafety, LoadingRefusesATensorOfAnotherShape) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  save_checkpoint(dir / "c.safetensors", checkpoint_of(0.0f, 3));
  const Checkpoint loaded = load_checkpoint(dir / "c.safetensors");
  Parameter<float> w{"w", {4}};
  try {
    load_parameters(loaded, {&w});
    ADD_FAILURE() << "a [3] tensor was loaded into a [4] parameter";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'w' has shape [3], the model needs [4]"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(CheckpointSafety, LoadingRefusesMetadataNestedTooDeeply) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  const fs::path path = dir / "deep.safetensors";
  const std::string deep = "{\"a\":" + std::string(50000, '[') + std::string(50000, ']') + "}";
  write_safetensors(path.string(), {},
                    {{"recur.format", kCheckpointFormat}, {"recur.model", deep}, {"recur.training", "{}"}});
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "deeply nested metadata was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("'recur.model': JSON nested deeper than 64 levels"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(SizeLimits, LayerSizesAndShapesThatWouldOverflowAreRefused) {
  RecurrentOptions options{.input_size = 4, .hidden_size = int64_t{1} << 62};
  try {
    options.validate();
    ADD_FAILURE() << "hidden_size 2^62 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.options, std::vector<std::string>{"hidden_size"});
  }
  options.hidden_size = kMaxLayerWidth;
  EXPECT_NO_THROW(options.validate());
  EXPECT_THROW(shape_numel({int64_t{1} << 40, int64_t{1} << 40}), std::invalid_argument);
  EXPECT_EQ(shape_numel({int64_t{1} << 40, 0, int64_t{1} << 40}), 0);
  EXPECT_EQ(shape_numel({int64_t{1} << 31, int64_t{1} << 31}), int64_t{1} << 62);
}

// The same overflow as fuzz/fuzz_frame_jsonl found, in checkpoint metadata.
TEST(CheckpointSafety, LoadingRefusesMetadataWithANumberBeyondDouble) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_safety_");
  const fs::path path = dir / "overflow.safetensors";
  write_safetensors(path.string(), {},
                    {{"recur.format", kCheckpointFormat}, {"recur.model", "{\"a\": 1e999}"}, {"recur.training", "{}"}});
  try {
    load_checkpoint(path);
    ADD_FAILURE() << "1e999 was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ": metadata 'recur.model' is not valid JSON"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(RunLock, ASecondHolderIsRefusedNamingTheFirst) {
  const fs::path dir = fresh_directory_for_test("recur_run_lock_");
  {
    const RunLock first(dir / "run");
    try {
      const RunLock second(dir / "run");  // another open file description: flock refuses it as it would another process
      ADD_FAILURE() << "the folder was locked twice";
    } catch (const RunFolderBusy& e) {
      EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(::getpid())), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find((dir / "run").string()), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(RunLock again(dir / "run"));  // released with its holder
  fs::remove_all(dir);
}

TEST(RunLock, ASecondTrainCommandRefusesAndWritesNothing) {
  const fs::path dir = fresh_directory_for_test("recur_run_lock_");
  const fs::path data = testing::write_file(dir / "text.txt", std::string(2000, 'a') + "bcd\n");
  const RunLock held(dir / "run");  // as a running `recur train` holds it
  const auto result = testing::run_recur("train --data " + data.string() + " --run " + (dir / "run").string() +
                                         " --hidden 8 --layers 1 --embedding 4 --batch 2 --seq 8 --max-iters 2");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("is in use by another training run (pid " + std::to_string(::getpid())),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(fs::exists(dir / "run" / "last.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "run" / "log.csv"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace recur
