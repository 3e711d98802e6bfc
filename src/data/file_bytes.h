// The whole of a file as bytes, for the readers of data files. Throws
// std::runtime_error "<path>: cannot open (<reason>)" or "<path>: read error".
#pragma once

#include <filesystem>
#include <string>

namespace recur {

std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace recur
