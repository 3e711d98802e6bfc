#include "recur/conllu.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/input_error.h"

namespace recur {

namespace {

constexpr std::array<std::string_view, kConlluColumns> kColumnNames = {
    "id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc"};

enum class IdKind { Word, Range, EmptyNode };

// Digits only, no sign, no leading "+" (what std::from_chars alone would let through is narrower, but explicit).
bool parse_natural(std::string_view text, int64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && text[0] != '-' && text[0] != '+';
}

// The kind of an ID field and, for a word, its number; false when malformed.
bool parse_id(std::string_view id, IdKind& kind, int64_t& number) {
  int64_t second = 0;
  if (const size_t dash = id.find('-'); dash != std::string_view::npos) {
    kind = IdKind::Range;
    return parse_natural(id.substr(0, dash), number) && parse_natural(id.substr(dash + 1), second) && number >= 1 &&
           second > number;
  }
  if (const size_t dot = id.find('.'); dot != std::string_view::npos) {
    kind = IdKind::EmptyNode;
    return parse_natural(id.substr(0, dot), number) && parse_natural(id.substr(dot + 1), second) && second >= 1;
  }
  kind = IdKind::Word;
  return parse_natural(id, number);
}

}  // namespace

std::string_view conllu_column_name(ConlluColumn column) { return kColumnNames.at(static_cast<size_t>(column)); }

ConlluColumn parse_conllu_column(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (size_t i = 0; i < kColumnNames.size(); ++i)
    if (lower == kColumnNames[i]) return static_cast<ConlluColumn>(i);
  throw std::invalid_argument(fmt::format("unknown CoNLL-U column '{}' (columns: {})", name, fmt::join(kColumnNames, " ")));
}

int64_t ConlluDocument::word_count() const {
  int64_t count = 0;
  for (const ConlluSentence& s : sentences_) count += static_cast<int64_t>(s.words.size());
  return count;
}

ConlluDocument ConlluDocument::read(const std::filesystem::path& path) {
  return parse(read_file_bytes(path), path.string());
}

ConlluDocument ConlluDocument::parse(std::string bytes, std::string file) {
  ConlluDocument doc;
  doc.file_ = std::move(file);
  doc.bytes_ = std::move(bytes);
  const std::string& name = doc.file_;
  require_content(doc.bytes_, name);

  ConlluSentence sentence;
  bool in_sentence = false;
  auto end_sentence = [&] {
    if (!in_sentence) return;
    if (sentence.words.empty())
      throw InputError(name, sentence.first_line,
                       "sentence with no words (starting here): a sentence needs at least one line with an integer ID");
    doc.sentences_.push_back(std::move(sentence));
    sentence = {};
    in_sentence = false;
  };

  TextLines lines(doc.bytes_);
  TextLine line;
  while (lines.next(line)) {
    if (line.blank()) {
      end_sentence();
      continue;
    }
    if (!in_sentence) {
      in_sentence = true;
      sentence.first_line = line.number;
    }
    require_utf8(line, name);
    if (line.text[0] == '#') continue;

    const std::vector<std::string_view> fields = split_tabs(line.text);
    if (fields.size() != kConlluColumns)
      throw InputError(name, line.number,
                       fmt::format("{} field{}, CoNLL-U token lines have 10 separated by tabs "
                                   "(ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC){}",
                                   fields.size(), fields.size() == 1 ? "" : "s",
                                   fields.size() == 1 && line.text.find(' ') != std::string_view::npos
                                       ? "; spaces do not separate fields"
                                       : ""));
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i].empty())
        throw InputError(name, line.number, column_of(line, fields[i]),
                         fmt::format("field {} ({}) is empty; CoNLL-U writes _ for no value", i + 1,
                                     conllu_column_name(static_cast<ConlluColumn>(i))));

    IdKind kind = IdKind::Word;
    int64_t number = 0;
    if (!parse_id(fields[0], kind, number))
      throw InputError(name, line.number, 1,
                       fmt::format("ID '{}' is not an integer, a range N-M or an empty node N.M", fields[0]));
    if (kind != IdKind::Word) continue;  // kept as bytes; not a word to tag
    const int64_t expected = static_cast<int64_t>(sentence.words.size()) + 1;
    if (number != expected)
      throw InputError(name, line.number, 1,
                       fmt::format("word ID {} where {} was expected: IDs count 1, 2, ... in each sentence "
                                   "and a blank line ends a sentence",
                                   number, expected));
    ConlluWord word;
    word.line = line.number;
    for (size_t i = 0; i < fields.size(); ++i)
      word.fields[i] = {static_cast<size_t>(fields[i].data() - doc.bytes_.data()), fields[i].size()};
    sentence.words.push_back(word);
  }
  end_sentence();
  return doc;
}

TaggedSentences ConlluDocument::tagged(ConlluColumn column) const {
  TaggedSentences result{file_, {}};
  result.sentences.reserve(sentences_.size());
  for (const ConlluSentence& s : sentences_) {
    TaggedSentence t;
    for (const ConlluWord& w : s.words) {
      t.words.emplace_back(field(w, ConlluColumn::Form));
      t.tags.emplace_back(field(w, column));
      t.lines.push_back(w.line);
    }
    result.sentences.push_back(std::move(t));
  }
  return result;
}

}  // namespace recur
