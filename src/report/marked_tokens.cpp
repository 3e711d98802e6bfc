#include "report/marked_tokens.h"

#include "recur/token_alignment.h"

namespace recur {

const char* const kMarkedTokenCss =
    ".sub{background:#f9c9c4;color:#8b0000}"
    ".ins{background:#fde3b0;color:#7a4a00;text-decoration:underline wavy #c77700}"
    ".del{color:#777;background:#e8e8e8;text-decoration:line-through}";

namespace {

std::string mark_of(AlignmentStep step) {
  switch (step) {
    case AlignmentStep::Match: return "";
    case AlignmentStep::Substitute: return "sub";
    case AlignmentStep::Insert: return "ins";
    case AlignmentStep::Delete: return "del";
  }
  return "";
}

// Appends text to the cell, joining it to the last run when the mark is the same.
void append_run(HtmlCell& cell, const std::string& text, const std::string& mark) {
  if (!cell.runs.empty() && cell.runs.back().mark == mark) cell.runs.back().text += text;
  else cell.runs.push_back({text, mark});
}

}  // namespace

HtmlCell marked_output(std::span<const int64_t> output, std::span<const int64_t> reference,
                       const std::vector<std::string>& tokens, TokenUnit unit) {
  HtmlCell cell;
  bool first = true;
  for (const AlignedToken& a : align_tokens(output, reference)) {
    const int64_t id = a.step == AlignmentStep::Delete ? reference[static_cast<size_t>(a.reference)]
                                                       : output[static_cast<size_t>(a.output)];
    const std::string mark = mark_of(a.step);
    std::string text = tokens.at(static_cast<size_t>(id));
    if (unit == TokenUnit::Chars && text == " " && !mark.empty()) text = "\u2423";
    // Between two words in the same mark the space carries it too, so a wrong
    // stretch reads as one.
    if (unit == TokenUnit::Words && !first)
      append_run(cell, " ", !cell.runs.empty() && cell.runs.back().mark == mark ? mark : "");
    append_run(cell, text, mark);
    first = false;
  }
  return cell;
}

}  // namespace recur
