// An output's tokens as a table cell of the report, marked against the
// reference it was scored against (token_alignment.h): a substituted token in
// the class "sub", an extra (inserted) one in "ins", and each reference token
// the output lacks shown where it is missing, struck through, in "del".
// Words are separated by spaces; a marked character that is a space shows as
// U+2423 (open box), so that its mark stays visible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recur/html_page.h"
#include "recur/paired_text.h"

namespace recur {

// `tokens` names each id (a vocabulary's words).
HtmlCell marked_output(std::span<const int64_t> output, std::span<const int64_t> reference,
                       const std::vector<std::string>& tokens, TokenUnit unit);

// The CSS of the marks, for HtmlPage::add_css.
extern const char* const kMarkedTokenCss;

}  // namespace recur
