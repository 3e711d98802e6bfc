// GenerationModel: an EncoderDecoder with what turns files into its ids and
// its outputs back into text — the vocabularies, token units and, for vector
// sources, the normalisation — shared by `recur seq2seq` (a token source) and
// `recur caption` (a vector source), and saved in their checkpoints.
//
// The target vocabulary is a WordVocabulary (<pad>, <unk>, then tokens) that
// also holds the begin and end tokens "<s>" and "</s>". Character tokens are
// Unicode code points (paired_text.h), word tokens whitespace-separated words.
//
// recur.model: {"task": "seq2seq"|"caption", "config": EncoderDecoderConfig,
//   "source_unit", "target_unit", "source_vocabulary" (tokens source),
//   "target_vocabulary", "scaler" (vector source, or null)}
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "recur/caption_jsonl.h"
#include "recur/checkpoint.h"
#include "recur/encoder_decoder.h"
#include "recur/paired_text.h"
#include "recur/scaler.h"
#include "recur/word_vocabulary.h"

namespace recur {

// The task names their checkpoints carry.
inline constexpr const char* kSeq2seqTask = "seq2seq";
inline constexpr const char* kCaptionTask = "caption";

// A data file in ids: sources (token ids, or normalised vectors) and, when
// labelled, the references of each example (target ids, no begin or end token).
struct GenerationData {
  std::string file;
  std::vector<std::vector<int64_t>> sources;
  std::vector<std::vector<double>> vectors;
  std::vector<std::vector<std::vector<int64_t>>> references;
  std::vector<int64_t> lines;
  int64_t unknown_source_tokens = 0;  // mapped to <unk>

  int64_t size() const { return static_cast<int64_t>(lines.size()); }
  // Keeps the first `count` examples (all when there are fewer).
  void keep_first(int64_t count);
  std::vector<int64_t> source_lengths() const;  // 1 for vector sources
};

// One training target: reference `reference` of example `example`.
struct TargetRef {
  int64_t example = 0;
  int64_t reference = 0;
};
std::vector<TargetRef> all_targets(const GenerationData& data);

struct GenerationModelOptions {
  TokenUnit source_unit = TokenUnit::Chars;
  TokenUnit target_unit = TokenUnit::Chars;
  int64_t min_count = 1;        // tokens seen fewer times in training become <unk>
  bool normalise = true;        // vector sources: standardise with the training mean and deviation
  EncoderDecoderConfig config;  // vocabulary and condition sizes are filled in by build
};

struct GenerationModel {
  static constexpr std::string_view kBegin = "<s>";
  static constexpr std::string_view kEnd = "</s>";

  std::string task;  // "seq2seq" or "caption": what require_task checks
  TokenUnit source_unit = TokenUnit::Chars, target_unit = TokenUnit::Chars;
  WordVocabulary source_vocabulary, target_vocabulary;
  std::optional<Scaler> scaler;
  std::unique_ptr<EncoderDecoder<float>> model;

  // From training data (its vocabularies; its normalisation).
  static GenerationModel build_seq2seq(const PairedText& train, GenerationModelOptions options, Rng& rng);
  static GenerationModel build_caption(const CaptionData& train, GenerationModelOptions options, Rng& rng);
  // Throws FormatError naming the file for a checkpoint of another task or a broken one.
  static GenerationModel from_checkpoint(const Checkpoint& checkpoint, const std::string& task);
  nlohmann::json describe() const;

  int64_t begin_token() const { return target_vocabulary.id(kBegin); }
  int64_t end_token() const { return target_vocabulary.id(kEnd); }
  bool vector_source() const { return !model->config().encoder.has_value(); }

  // Labelled lines with the same source become one example with several
  // references (any one counts as right); unlabelled lines one example each.
  GenerationData encode(const PairedText& text) const;
  GenerationData encode(const CaptionData& captions) const;
  PairedTextOptions text_options(bool targets_required) const;
  CaptionReadOptions caption_options(bool texts_required) const;

  // A teacher-forcing batch of targets, rows in the given order.
  EncoderDecoderBatch batch(const GenerationData& data, std::span<const TargetRef> rows) const;
  // Decodes every example, `batch_size` at a time; result per example, best first.
  std::vector<std::vector<Hypothesis>> decode(const GenerationData& data, const DecodingOptions& options,
                                              int64_t batch_size, Rng* rng) const;
  // Options that keep padding, <unk> and the begin token out of outputs.
  DecodingOptions decoding_options(int64_t max_length, int64_t beam, double length_penalty) const;
  std::string text(std::span<const int64_t> tokens) const;
};

}  // namespace recur
