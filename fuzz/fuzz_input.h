// Shared by the libFuzzer harnesses: the input as text, and as a file for the
// readers that only take a path (an in-memory file, no disk I/O).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace recur::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The bytes in a memfd, named by its /proc/self/fd path while this lives.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : fd_(::memfd_create("recur-fuzz", MFD_CLOEXEC)) {
    size_t written = 0;
    while (fd_ >= 0 && written < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// The first byte chooses among a harness's reader options; the rest is the file.
struct Choice {
  uint8_t bits = 0;
  std::string_view rest;
};
inline Choice split_choice(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return {data[0], as_text(data + 1, size - 1)};
}

}  // namespace recur::fuzz
