// The training data of a character language model, and its record — the
// "data" of a checkpoint's recur.training — which `recur train --resume` and
// `recur eval --split` read to find the same text and the same split again.
//
//   {"paths": [absolute paths], "unit": "codepoint" | "byte",
//    "validation_fraction": 0.1, "test_fraction": 0,
//    "fingerprint": TextFingerprint (absent in checkpoints of older versions),
//    "batch": 50, "seq": 50 (0: full BPTT)}
//
// One policy for a text that changed since it was recorded, stated by
// describe_text_change: a resumed run refuses it (its position and split would
// fall on other text), an evaluation warns and goes on.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "recur/data_split.h"
#include "recur/text_corpus.h"
#include "recur/vocabulary.h"

namespace recur {

// Token ids of the parts, and the record of where they came from.
struct CharCorpusSplit {
  std::vector<int64_t> train, validation, test;
  nlohmann::json source;  // the CharDataRecord, as JSON
};

struct CharDataRecord {
  std::vector<std::string> paths;  // absolute
  TextUnit unit = TextUnit::CodePoint;
  SplitFractions fractions;
  std::optional<TextFingerprint> fingerprint;
  int64_t batch = 0;  // streams, as trained
  int64_t seq = 0;    // truncated-BPTT steps, as trained; 0: full BPTT

  // The record of `corpus`, read now from `paths`.
  static CharDataRecord of(const TextCorpus& corpus, const std::vector<std::string>& paths,
                           const SplitFractions& fractions, int64_t batch, int64_t seq);
  nlohmann::json to_json() const;
  // Throws FormatError naming `where` (the checkpoint) for a missing or bad field.
  static CharDataRecord from_json(const nlohmann::json& json, const std::string& where);
};

// Reads the recorded text again. Throws std::invalid_argument naming `where`
// and the file when a recorded file is gone.
TextCorpus read_recorded_text(const CharDataRecord& record, const std::string& where);

// How `corpus` differs from the recorded text: "its set of characters differs"
// (against the model's vocabulary), "its bytes differ: now ..., then ...", or
// "" when it is the same as far as the record can tell.
std::string describe_text_change(const TextCorpus& corpus, const Vocabulary& vocabulary, const CharDataRecord& record);

// Encodes `corpus` with `vocabulary` and cuts it by the record's fractions;
// the split's source is the record. Throws std::invalid_argument when the text
// is too short for the split or holds a symbol outside the vocabulary.
CharCorpusSplit split_char_corpus(const TextCorpus& corpus, const Vocabulary& vocabulary,
                                  const CharDataRecord& record);

}  // namespace recur
