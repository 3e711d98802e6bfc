#include "recur/sequence_examples.h"

#include <iostream>
#include <iterator>
#include <stdexcept>

#include "data/file_bytes.h"
#include "recur/classification_tsv.h"
#include "recur/tagging_tsv.h"

namespace recur {

std::string sequence_format_name(SequenceFormat format) {
  switch (format) {
    case SequenceFormat::Auto: return "auto";
    case SequenceFormat::Tsv: return "tsv";
    case SequenceFormat::Conllu: return "conllu";
    case SequenceFormat::Jsonl: return "jsonl";
  }
  return "?";
}

SequenceFormat parse_sequence_format(const std::string& name) {
  for (SequenceFormat f : {SequenceFormat::Auto, SequenceFormat::Tsv, SequenceFormat::Conllu, SequenceFormat::Jsonl})
    if (sequence_format_name(f) == name) return f;
  throw std::invalid_argument("unknown format '" + name + "' (expected auto, tsv, conllu or jsonl)");
}

SequenceFormat resolve_sequence_format(SequenceFormat format, const std::string& path) {
  if (format != SequenceFormat::Auto) return format;
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".jsonl") return SequenceFormat::Jsonl;
  if (extension == ".conllu") return SequenceFormat::Conllu;
  return SequenceFormat::Tsv;
}

int64_t SequenceExamples::length(int64_t i) const {
  if (is_frames()) return frames.sequences[static_cast<size_t>(i)].steps;
  return static_cast<int64_t>(examples[static_cast<size_t>(i)].words.size());
}

std::vector<int64_t> SequenceExamples::lengths() const {
  std::vector<int64_t> result(examples.size());
  for (int64_t i = 0; i < size(); ++i) result[static_cast<size_t>(i)] = length(i);
  return result;
}

namespace {

void add_tagged(const TaggedSentences& sentences, SequenceExamples& out) {
  for (const TaggedSentence& s : sentences.sentences) out.examples.push_back({s.words, s.tags, s.lines});
}

}  // namespace

SequenceExamples read_sequence_examples(const std::string& path, const SequenceReadOptions& options) {
  SequenceExamples out;
  out.scope = options.scope;
  out.format = resolve_sequence_format(options.format, path);
  const bool per_step = options.scope == LabelScope::PerStep;
  std::string bytes = read_input_bytes(path, out.file);
  switch (out.format) {
    case SequenceFormat::Tsv:
      if (per_step) {
        add_tagged(parse_tagging_tsv(bytes, out.file, options.labels_required), out);
      } else {
        TextExamples texts = parse_classification_tsv(bytes, out.file, {.labels_required = options.labels_required});
        for (TextExample& e : texts.examples) out.examples.push_back({std::move(e.words), {e.label}, {e.line}});
      }
      break;
    case SequenceFormat::Conllu: {
      if (!per_step)
        throw std::invalid_argument(out.file + ": CoNLL-U is a tagging format; classify reads tsv or jsonl");
      const ConlluColumn column = parse_conllu_column(options.column);
      out.conllu = ConlluDocument::parse(std::move(bytes), out.file);
      add_tagged(out.conllu->tagged(column), out);
      break;
    }
    case SequenceFormat::Jsonl:
      out.frames = parse_frame_jsonl(bytes, out.file, per_step ? FrameLabels::PerFrame : FrameLabels::PerSequence,
                                     options.labels_required);
      for (const FrameSequence& s : out.frames.sequences) {
        SequenceExample e;
        if (per_step) {
          e.labels = s.labels.empty() ? std::vector<std::string>(static_cast<size_t>(s.steps)) : s.labels;
          e.lines.assign(static_cast<size_t>(s.steps), s.line);
        } else {
          e.labels = {s.label};
          e.lines = {s.line};
        }
        out.examples.push_back(std::move(e));
      }
      break;
    case SequenceFormat::Auto: break;
  }
  return out;
}

}  // namespace recur
