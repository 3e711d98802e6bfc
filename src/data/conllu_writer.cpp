// ConlluDocument::write: the bytes as read, with one column's fields replaced.
#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

#include "recur/conllu.h"

namespace recur {

void ConlluDocument::write(std::ostream& out, ConlluColumn column,
                           const std::vector<std::vector<std::string>>& values) const {
  if (values.size() != sentences_.size())
    throw std::invalid_argument(fmt::format("CoNLL-U writer: {} sentences of values for {} sentences in {}",
                                            values.size(), sentences_.size(), file_));
  for (size_t s = 0; s < sentences_.size(); ++s) {
    if (values[s].size() != sentences_[s].words.size())
      throw std::invalid_argument(fmt::format("CoNLL-U writer: {} values for the {} words of the sentence at {}:{}",
                                              values[s].size(), sentences_[s].words.size(), file_,
                                              sentences_[s].first_line));
    for (size_t w = 0; w < values[s].size(); ++w) {
      const std::string& v = values[s][w];
      if (v.empty() || v.find_first_of("\t\r\n") != std::string::npos)
        throw std::invalid_argument(fmt::format("CoNLL-U writer: value '{}' for {}:{} is empty or holds a tab or line break",
                                                v, file_, sentences_[s].words[w].line));
    }
  }
  // Copy up to each replaced field, write the value, skip the old field.
  size_t copied = 0;
  for (size_t s = 0; s < sentences_.size(); ++s) {
    for (size_t w = 0; w < sentences_[s].words.size(); ++w) {
      const FieldSpan& span = sentences_[s].words[w].fields[static_cast<size_t>(column)];
      out.write(bytes_.data() + copied, static_cast<std::streamsize>(span.offset - copied));
      out << values[s][w];
      copied = span.offset + span.length;
    }
  }
  out.write(bytes_.data() + copied, static_cast<std::streamsize>(bytes_.size() - copied));
}

std::string ConlluDocument::with_column(ConlluColumn column, const std::vector<std::vector<std::string>>& values) const {
  std::ostringstream out;
  write(out, column, values);
  return std::move(out).str();
}

}  // namespace recur
