#include "recur/tagging_tsv.h"

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/input_error.h"

namespace recur {

TaggedSentences parse_tagging_tsv(std::string_view bytes, const std::string& file, bool tags_required) {
  require_content(bytes, file);
  TaggedSentences result{file, {}};
  TaggedSentence sentence;
  auto end_sentence = [&] {
    if (!sentence.words.empty()) result.sentences.push_back(std::move(sentence));
    sentence = {};
  };
  TextLines lines(bytes);
  TextLine line;
  while (lines.next(line)) {
    if (line.blank()) {
      end_sentence();
      continue;
    }
    require_utf8(line, file);
    const TabPair fields = split_tab_pair(line, file, "token<TAB>tag", tags_required);
    if (fields.first.empty()) throw InputError(file, line.number, 1, "empty token before the tab");
    if (fields.has_second && fields.second.empty())
      throw InputError(file, line.number, column_of(line, fields.second), "empty tag after the tab");
    sentence.words.emplace_back(fields.first);
    sentence.tags.emplace_back(fields.second);
    sentence.lines.push_back(line.number);
  }
  end_sentence();
  return result;
}

TaggedSentences read_tagging_tsv(const std::filesystem::path& path, bool tags_required) {
  return parse_tagging_tsv(read_file_bytes(path), path.string(), tags_required);
}

}  // namespace recur
