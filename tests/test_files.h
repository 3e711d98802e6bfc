// Files for the tests: a fresh scratch directory, whole-file writes and reads
// in binary, and the shared real data sets.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace recur::testing {

// temp/<prefix><pid>, emptied and created. The pid keeps the processes that
// ctest runs in parallel apart.
inline std::filesystem::path fresh_directory(const std::string& prefix) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The same, named after the running test.
inline std::filesystem::path fresh_directory_for_test(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fresh_directory(prefix + info->name() + "_");
}

inline std::filesystem::path write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file of the shared data sets (../shared/data beside the checkout), or an
// empty path when absent: tests on real data then skip with
//   if (path.empty()) GTEST_SKIP() << "...";
inline std::filesystem::path shared_data_file(const std::string& relative) {
  const std::filesystem::path path = std::filesystem::path(RECUR_SOURCE_DIR) / ".." / "shared" / "data" / relative;
  return std::filesystem::exists(path) ? path : std::filesystem::path();
}

}  // namespace recur::testing
