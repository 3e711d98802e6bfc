#include "recur/classification_tsv.h"

#include <fmt/format.h>

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/input_error.h"
#include "recur/words.h"

namespace recur {

TextExamples parse_classification_tsv(std::string_view bytes, const std::string& file,
                                      const ClassificationTsvOptions& options) {
  require_content(bytes, file);
  TextExamples result{file, {}};
  TextLines lines(bytes);
  TextLine line;
  bool header_pending = options.skip_header;
  while (lines.next(line)) {
    if (line.blank()) continue;
    if (header_pending) {
      header_pending = false;
      continue;
    }
    require_utf8(line, file);
    const TabPair fields = split_tab_pair(line, file, "text<TAB>label", options.labels_required);
    TextExample example;
    example.line = line.number;
    example.words = split_words(fields.first);
    if (example.words.empty()) throw InputError(file, line.number, 1, "empty text: a line is text<TAB>label");
    if (fields.has_second) {
      if (fields.second.find_first_not_of(' ') == std::string_view::npos)
        throw InputError(file, line.number, column_of(line, fields.second), "empty label after the tab");
      example.label = std::string(fields.second);
    }
    result.examples.push_back(std::move(example));
  }
  if (result.examples.empty()) throw InputError(file, 0, "no examples (only a header line)");
  return result;
}

TextExamples read_classification_tsv(const std::filesystem::path& path, const ClassificationTsvOptions& options) {
  return parse_classification_tsv(read_file_bytes(path), path.string(), options);
}

}  // namespace recur
