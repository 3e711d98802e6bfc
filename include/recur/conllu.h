// CoNLL-U (Universal Dependencies): read, and write back byte for byte with
// one column replaced — what `recur tag predict` does with its predictions.
//
// A file is sentences separated by blank lines. In a sentence, lines starting
// with "#" are comments, and every other line has 10 fields separated by tabs:
//   ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC
// ID is an integer for a word (1, 2, ... in each sentence), a range "1-2" for
// a multiword token (its surface form; the words follow it) or "1.1" for an
// empty node (enhanced graphs only). Only words are tagged; ranges, empty
// nodes and comments are kept as read and written back unchanged.
//
// The document keeps the file's bytes and where each word's fields are, so
// writing copies every byte except the replaced fields: comments, spacing,
// "\r\n" endings and a missing final newline all survive.
//
// Errors (InputError, "FILE:LINE[:COLUMN]: ..."): an empty file; a line with
// other than 10 fields; an empty field; an ID that is not an integer, range or
// empty node; word IDs out of sequence; a sentence with no words; invalid UTF-8.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "recur/tagged_sentences.h"

namespace recur {

enum class ConlluColumn { Id, Form, Lemma, Upos, Xpos, Feats, Head, Deprel, Deps, Misc };
constexpr int kConlluColumns = 10;

// "id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc".
std::string_view conllu_column_name(ConlluColumn column);
// By name, case-insensitive; throws std::invalid_argument listing the names.
ConlluColumn parse_conllu_column(std::string_view name);

// Where a field lies in the document's bytes.
struct FieldSpan {
  size_t offset = 0;
  size_t length = 0;
};

// A word line (integer ID).
struct ConlluWord {
  int64_t line = 0;
  std::array<FieldSpan, kConlluColumns> fields;
};

struct ConlluSentence {
  int64_t first_line = 0;  // its first line (a comment or a token line)
  std::vector<ConlluWord> words;
};

class ConlluDocument {
 public:
  static ConlluDocument read(const std::filesystem::path& path);
  // `file` names the source in errors.
  static ConlluDocument parse(std::string bytes, std::string file);

  const std::string& file() const { return file_; }
  const std::string& bytes() const { return bytes_; }
  const std::vector<ConlluSentence>& sentences() const { return sentences_; }
  int64_t word_count() const;

  std::string_view field(const ConlluWord& word, ConlluColumn column) const {
    const FieldSpan& span = word.fields[static_cast<size_t>(column)];
    return std::string_view(bytes_).substr(span.offset, span.length);
  }
  // Words (FORM) and tags (the given column) of every sentence, with lines.
  TaggedSentences tagged(ConlluColumn column) const;

  // The document with `column` of word w of sentence s set to values[s][w];
  // every other byte as read. Throws std::invalid_argument when the shape of
  // `values` differs from the sentences', or a value is empty or holds a tab
  // or line break.
  void write(std::ostream& out, ConlluColumn column, const std::vector<std::vector<std::string>>& values) const;
  std::string with_column(ConlluColumn column, const std::vector<std::vector<std::string>>& values) const;

 private:
  std::string file_;
  std::string bytes_;
  std::vector<ConlluSentence> sentences_;
};

}  // namespace recur
