// The whole of a file as bytes, for the readers of data files. Throws
// std::runtime_error "<path>: cannot open (<reason>)" or "<path>: read error".
#pragma once

#include <filesystem>
#include <string>

namespace recur {

std::string read_file_bytes(const std::filesystem::path& path);
// A file, or standard input for "-"; `file` gets the name to use in messages ("<stdin>").
std::string read_input_bytes(const std::string& path, std::string& file);

}  // namespace recur
