// SequenceExamples: the examples of `recur classify` and `recur tag` as read
// from any of their formats, in one shape, so that both commands and both
// tasks take words or frames alike:
//
//   format          for classify (one label per sequence)   for tag (one label per step)
//   tsv             text<TAB>label (classification_tsv.h)   token<TAB>tag, blank lines between sentences
//   conllu          -                                       CoNLL-U, one column as the tags (conllu.h)
//   jsonl           {"frames": [...], "label": ...}         {"frames": [...], "labels": [...]}  (frame_jsonl.h)
//
// `auto` picks by the file name: ".jsonl" -> jsonl, ".conllu" -> conllu, else tsv.
// The file "-" is standard input (named "<stdin>" in errors).
//
// Each example keeps its words (word input) or indexes `frames` (frame
// input), its labels (one, or one per step; empty strings where labels are
// optional and absent) and the line of each label, for errors at evaluation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recur/conllu.h"
#include "recur/frame_jsonl.h"

namespace recur {

enum class SequenceFormat { Auto, Tsv, Conllu, Jsonl };
enum class LabelScope { PerSequence, PerStep };  // classify, tag

// "auto", "tsv", "conllu", "jsonl"; parse throws std::invalid_argument listing them.
std::string sequence_format_name(SequenceFormat format);
SequenceFormat parse_sequence_format(const std::string& name);
// The format `auto` means for this path (anything else is returned as it is).
SequenceFormat resolve_sequence_format(SequenceFormat format, const std::string& path);

struct SequenceExample {
  std::vector<std::string> words;   // word input; empty for frames
  std::vector<std::string> labels;  // 1 (PerSequence) or one per step
  std::vector<int64_t> lines;       // the line of each label
};

struct SequenceExamples {
  std::string file;
  SequenceFormat format = SequenceFormat::Tsv;  // resolved
  LabelScope scope = LabelScope::PerSequence;
  std::vector<SequenceExample> examples;
  FrameSequences frames;                 // jsonl: sequences[i] is example i
  std::optional<ConlluDocument> conllu;  // conllu: the document, to write predictions back

  bool is_frames() const { return format == SequenceFormat::Jsonl; }
  int64_t size() const { return static_cast<int64_t>(examples.size()); }
  int64_t length(int64_t i) const;  // steps of example i
  std::vector<int64_t> lengths() const;
};

struct SequenceReadOptions {
  SequenceFormat format = SequenceFormat::Auto;
  LabelScope scope = LabelScope::PerSequence;
  bool labels_required = true;
  std::string column = "upos";  // conllu: the column read as tags
};

// Throws InputError naming file:line[:column] (the readers' errors), or
// std::invalid_argument for a format the scope has not (conllu for classify).
SequenceExamples read_sequence_examples(const std::string& path, const SequenceReadOptions& options);

}  // namespace recur
