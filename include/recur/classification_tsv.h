// Classification TSV: one example a line, "text<TAB>label" (SST-2's layout).
// The text is split into words at whitespace (words.h); labels are any
// non-empty strings. Blank lines are skipped; "\r\n" endings read as "\n".
// There is no header line unless `skip_header` says so (GLUE's SST-2 has
// "sentence<TAB>label"; the copy in shared/data does not).
//
// With labels optional (predict), a line without a tab is all text.
//
// Errors (InputError, "FILE:LINE[:COLUMN]: ..."): an empty file; a line with
// no tab (labels required) or with more than one; an empty text or label;
// invalid UTF-8; a file with no examples.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "recur/text_examples.h"

namespace recur {

struct ClassificationTsvOptions {
  bool labels_required = true;
  bool skip_header = false;
};

TextExamples parse_classification_tsv(std::string_view bytes, const std::string& file,
                                      const ClassificationTsvOptions& options = {});
TextExamples read_classification_tsv(const std::filesystem::path& path, const ClassificationTsvOptions& options = {});

}  // namespace recur
