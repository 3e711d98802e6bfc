// Tagging TSV: one word a line, "token<TAB>tag", with a blank line between
// sentences (the CoNLL-2000/2003 layout with two columns). Tokens and tags
// are any non-empty strings without tabs; "\r\n" endings read as "\n"; runs
// of blank lines count as one.
//
// With tags optional (predict), a line without a tab is a token alone.
//
// Errors (InputError, "FILE:LINE[:COLUMN]: ..."): an empty file; a line with
// no tab (tags required) or with more than one; an empty token or tag;
// invalid UTF-8.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "recur/tagged_sentences.h"

namespace recur {

TaggedSentences parse_tagging_tsv(std::string_view bytes, const std::string& file, bool tags_required = true);
TaggedSentences read_tagging_tsv(const std::filesystem::path& path, bool tags_required = true);

}  // namespace recur
