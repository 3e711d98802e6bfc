#include "recur/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace recur {

namespace fs = std::filesystem;

namespace {

// This process's command line, arguments separated by spaces.
std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text)
    if (c == '\0') c = ' ';
  return text;
}

// "pid 1234: recur train ..." as the holder wrote it (first line), or a note
// that it wrote nothing yet.
std::string holder_of(int fd) {
  char buffer[512];
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  text = text.substr(0, text.find('\n'));
  return text.empty() ? std::string("a process that has not yet written its pid") : text;
}

}  // namespace

RunLock::RunLock(const fs::path& run_dir) {
  std::error_code error;
  fs::create_directories(run_dir, error);
  if (error) throw std::runtime_error("cannot create the run folder " + run_dir.string() + ": " + error.message());
  const fs::path path = run_dir / kRunLockFile;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int reason = errno;
    const std::string holder = holder_of(fd_);
    ::close(fd_);
    if (reason == EWOULDBLOCK)
      throw RunFolderBusy(run_dir.string() + " is in use by another training run (" + holder + ", lock " +
                          path.string() + "); wait for it to end or choose another run folder");
    throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(reason));
  }
  // Informational only: the flock, not the text, is the lock.
  const std::string text = "pid " + std::to_string(::getpid()) + ": " + own_command_line() + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, text.data(), text.size(), 0);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace recur
