// CharModel: a character-level LanguageModel together with its Vocabulary —
// what `recur train` saves and `recur sample` / `recur eval` load.
// In a checkpoint's "recur.model":
//   {"task": "char_lm", "config": LanguageModelConfig, "vocabulary": Vocabulary}
#pragma once

#include <memory>

#include "recur/checkpoint.h"
#include "recur/language_model.h"
#include "recur/vocabulary.h"

namespace recur {

// The task name a char model's checkpoints carry.
inline constexpr const char* kCharLmTask = "char_lm";

struct CharModel {
  Vocabulary vocabulary;
  std::unique_ptr<LanguageModel> model;

  // The "recur.model" JSON of this model.
  nlohmann::json describe() const;
  // Builds the model a checkpoint describes and loads its parameters.
  // Throws FormatError naming the file for anything that does not fit.
  static CharModel from_checkpoint(const Checkpoint& checkpoint);
};

}  // namespace recur
