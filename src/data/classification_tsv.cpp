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
    const std::vector<std::string_view> fields = split_tabs(line.text);
    if (fields.size() > 2)
      throw InputError(file, line.number, column_of(line, fields[2]) - 1,
                       "a second tab: a line is text<TAB>label, and neither may hold a tab");
    if (fields.size() == 1 && options.labels_required)
      throw InputError(file, line.number, "no tab: a line is text<TAB>label");
    TextExample example;
    example.line = line.number;
    example.words = split_words(fields[0]);
    if (example.words.empty()) throw InputError(file, line.number, 1, "empty text: a line is text<TAB>label");
    if (fields.size() == 2) {
      example.label = std::string(fields[1]);
      if (example.label.empty() || example.label.find_first_not_of(" ") == std::string::npos)
        throw InputError(file, line.number, column_of(line, fields[1]), "empty label after the tab");
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
