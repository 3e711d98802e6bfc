#include "data/file_bytes.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

namespace recur {

std::string read_file_bytes(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open ({})", path.string(), std::strerror(errno ? errno : EACCES)));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error", path.string()));
  return bytes;
}

std::string read_input_bytes(const std::string& path, std::string& file) {
  if (path == "-") {
    file = "<stdin>";
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  }
  file = path;
  return read_file_bytes(path);
}

}  // namespace recur
