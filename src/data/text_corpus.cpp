#include "recur/text_corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "data/file_bytes.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

std::vector<fs::path> list_text_files(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw std::runtime_error(fmt::format("{}: no such file or directory", path.string()));
  if (!fs::is_directory(status)) return {path};

  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
  if (ec) throw std::runtime_error(fmt::format("{}: cannot list directory ({})", path.string(), ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error(fmt::format("{}: cannot list directory ({})", path.string(), ec.message()));
    if (is_hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path());
  }
  // Directory iteration order is the file system's; sorting makes it ours.
  std::sort(files.begin(), files.end());
  return files;
}

TextCorpus TextCorpus::read(const std::vector<fs::path>& paths, TextUnit unit) {
  if (paths.empty()) throw std::runtime_error("no text files given");
  TextCorpus corpus;
  corpus.unit_ = unit;
  for (const fs::path& path : paths) {
    std::error_code ec;
    const bool from_directory = fs::is_directory(path, ec);
    const std::vector<fs::path> files = list_text_files(path);
    int64_t added = 0;
    for (const fs::path& file : files) {
      const std::string bytes = read_file_bytes(file);
      if (bytes.empty()) {
        if (from_directory) continue;  // an empty file adds nothing to a tree of text
        throw std::runtime_error(fmt::format("{}: file is empty", file.string()));
      }
      const size_t before = corpus.symbols_.size();
      corpus.append(bytes, file.string());
      corpus.files_.push_back({file, static_cast<int64_t>(bytes.size()), static_cast<int64_t>(corpus.symbols_.size() - before)});
      ++added;
    }
    if (added == 0)
      throw std::runtime_error(fmt::format("{}: directory contains no non-empty text files", path.string()));
  }
  return corpus;
}

TextCorpus TextCorpus::from_text(std::string_view text, TextUnit unit, const std::string& source) {
  if (text.empty()) throw std::runtime_error(source + ": text is empty");
  TextCorpus corpus;
  corpus.unit_ = unit;
  corpus.append(text, source);
  corpus.files_.push_back({source, static_cast<int64_t>(text.size()), corpus.size()});
  return corpus;
}

void TextCorpus::append(std::string_view bytes, const std::string& source) {
  // A NUL byte never occurs in text, so it is the usual test for binary data
  // (git and grep use it too); checked in byte mode as well.
  if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
    const auto offset = static_cast<const char*>(nul) - bytes.data();
    throw std::runtime_error(fmt::format("{}: NUL byte at offset {}: this looks like a binary file, not text", source, offset));
  }
  std::vector<char32_t> decoded = decode_text(bytes, unit_, source);
  symbols_.insert(symbols_.end(), decoded.begin(), decoded.end());
  fingerprint_.add(bytes);
}

}  // namespace recur
