// TextCorpus: the text a language model learns from — one or more files and
// directories read into one sequence of symbols (code points, or bytes).
//
// Paths are read in the order given; a directory contributes every regular
// file below it, recursively, in sorted path order (so the same tree always
// gives the same text), skipping hidden entries (".git", ".DS_Store", ...)
// and empty files. Files are concatenated as they are, with nothing between.
//
// Refused, with an error naming the file: a missing or unreadable path, an
// empty file named explicitly, a directory with no non-empty files, a NUL
// byte (the file is binary, in either unit) and, in code-point mode, invalid
// UTF-8 — each with the byte offset where the problem is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "recur/text_decoding.h"
#include "recur/text_fingerprint.h"

namespace recur {

struct CorpusFile {
  std::filesystem::path path;
  int64_t bytes = 0;    // size on disk
  int64_t symbols = 0;  // symbols it contributed
};

class TextCorpus {
 public:
  TextCorpus() = default;

  // Throws std::runtime_error "<path>: <what is wrong>" (see above).
  static TextCorpus read(const std::vector<std::filesystem::path>& paths, TextUnit unit);
  // From text in memory (`source` names it in errors); checks like a file.
  static TextCorpus from_text(std::string_view text, TextUnit unit, const std::string& source = "<text>");

  TextUnit unit() const { return unit_; }
  const std::vector<char32_t>& symbols() const { return symbols_; }
  int64_t size() const { return static_cast<int64_t>(symbols_.size()); }
  const std::vector<CorpusFile>& files() const { return files_; }
  // Of the bytes read, in order (the files concatenated): what a resumed run
  // compares to tell that its text is unchanged.
  const TextFingerprint& fingerprint() const { return fingerprint_; }

 private:
  void append(std::string_view bytes, const std::string& source);

  TextUnit unit_ = TextUnit::CodePoint;
  std::vector<char32_t> symbols_;
  std::vector<CorpusFile> files_;
  TextFingerprint fingerprint_;
};

// The regular files a path stands for: itself, or everything below a
// directory (recursively, sorted, hidden entries skipped). Throws if missing.
std::vector<std::filesystem::path> list_text_files(const std::filesystem::path& path);

}  // namespace recur
