#include "recur/word_vectors.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "recur/input_error.h"

namespace recur {

namespace {

// Fields separated by runs of spaces (and tabs; trailing "\r" and spaces dropped).
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool parse_integer(std::string_view text, int64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_float(std::string_view text, float& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace

WordVectors read_word_vectors(const std::filesystem::path& path, const WordVocabulary& vocabulary, int64_t expected_dim) {
  const std::string file = path.string();
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open ({})", file, std::strerror(errno ? errno : EACCES)));

  WordVectors result;
  result.dim = expected_dim;
  const int64_t V = vocabulary.size();
  std::vector<bool> exact(static_cast<size_t>(V), false);  // matched by a word already in normal form
  result.found.assign(static_cast<size_t>(V), false);
  int64_t header_count = -1;
  int64_t header_line = 0;
  std::vector<float> row;

  std::string text;
  int64_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    const std::vector<std::string_view> fields = split_fields(text);
    if (fields.empty()) continue;  // blank line
    auto column = [&](std::string_view field) { return static_cast<int64_t>(field.data() - text.data()) + 1; };

    int64_t count = 0, header_dim = 0;
    if (number == 1 && fields.size() == 2 && parse_integer(fields[0], count) && parse_integer(fields[1], header_dim)) {
      if (count < 0 || header_dim < 1) throw InputError(file, number, "header 'COUNT DIM' needs COUNT >= 0 and DIM >= 1");
      if (expected_dim > 0 && header_dim != expected_dim)
        throw InputError(file, number, column(fields[1]),
                         fmt::format("vectors of dimension {}, the model's embeddings have {}", header_dim, expected_dim));
      header_count = count;
      header_line = number;
      result.dim = header_dim;
      continue;
    }
    if (result.dim == 0) result.dim = static_cast<int64_t>(fields.size()) - 1;  // the first row sets it
    if (result.dim < 1) throw InputError(file, number, "a word with no numbers: a row is WORD followed by its vector");
    const int64_t D = result.dim;
    if (static_cast<int64_t>(fields.size()) < D + 1) {
      // Before anything else, say which dimension was expected and why.
      const std::string why = header_line   ? fmt::format("the header says {}", D)
                              : expected_dim ? fmt::format("the model's embeddings have {}", D)
                                             : fmt::format("the first row has {}", D);
      throw InputError(file, number,
                       fmt::format("short row: {} numbers after the word, {}", static_cast<int64_t>(fields.size()) - 1, why));
    }
    const size_t word_fields = fields.size() - static_cast<size_t>(D);
    // The first row's dimension counts as the file's: a longer first row with no header cannot be a word with spaces.
    if (word_fields > 1 && expected_dim > 0 && header_line == 0 && result.file_rows == 0)
      throw InputError(file, number,
                       fmt::format("{} numbers after the word, the model's embeddings have {}", fields.size() - 1, D));
    row.resize(static_cast<size_t>(D));
    for (int64_t i = 0; i < D; ++i) {
      const std::string_view field = fields[word_fields + static_cast<size_t>(i)];
      if (!parse_float(field, row[static_cast<size_t>(i)]))
        throw InputError(file, number, column(field),
                         fmt::format("'{}' is not a number (value {} of {})", field, i + 1, D));
    }
    ++result.file_rows;

    const std::string_view word(fields[0].data(),
                                static_cast<size_t>(fields[word_fields - 1].data() + fields[word_fields - 1].size() -
                                                    fields[0].data()));
    const int64_t id = vocabulary.id(word);
    if (id == WordVocabulary::kUnknown) continue;
    const bool is_exact = vocabulary.normalize(word) == word;
    const size_t slot = static_cast<size_t>(id);
    if (result.found[slot] && (exact[slot] || !is_exact)) continue;
    if (result.vectors.empty()) result.vectors.assign(static_cast<size_t>(V * D), 0.0f);
    std::copy(row.begin(), row.end(), result.vectors.begin() + id * D);
    result.found[slot] = true;
    exact[slot] = is_exact;
  }
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error", file));
  if (number == 0) throw InputError(file, 0, "file is empty");
  if (result.file_rows == 0) throw InputError(file, 0, "no vectors (a row is WORD followed by its numbers)");
  if (header_count >= 0 && header_count != result.file_rows)
    throw InputError(file, header_line,
                     fmt::format("the header says {} vectors, the file has {} (truncated?)", header_count, result.file_rows));
  if (result.vectors.empty()) result.vectors.assign(static_cast<size_t>(V * result.dim), 0.0f);
  for (int64_t id = 2; id < V; ++id) (result.found[static_cast<size_t>(id)] ? result.found_count : result.missing_count)++;
  return result;
}

}  // namespace recur
