// Checkpoint metadata: a safetensors file whose recur.model and
// recur.training are what a model is rebuilt from. The input is a whole file
// (seeds: real checkpoints); load_checkpoint, then the model its task names is
// rebuilt from it, as `sample`, `eval`, `predict` and `--resume` do, and the
// Trainer's options are read back.
#include <exception>

#include "fuzz_input.h"
#include "recur/char_model.h"
#include "recur/checkpoint.h"
#include "recur/forecaster.h"
#include "recur/sequence_labeler.h"
#include "recur/trainer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const recur::fuzz::MemoryFile file(recur::fuzz::as_text(data, size));
  try {
    const recur::Checkpoint checkpoint = recur::load_checkpoint(file.path());
    const std::string task = recur::checkpoint_task(checkpoint);
    if (task == recur::kCharLmTask) (void)recur::CharModel::from_checkpoint(checkpoint);
    if (task == recur::kForecastTask) (void)recur::Forecaster::from_checkpoint(checkpoint);
    if (task == "classify") (void)recur::SequenceLabeler::from_checkpoint(checkpoint, recur::LabelScope::PerSequence);
    if (task == "tag") (void)recur::SequenceLabeler::from_checkpoint(checkpoint, recur::LabelScope::PerStep);
    if (checkpoint.training.contains("trainer"))
      (void)recur::TrainerOptions::from_json(checkpoint.training.at("trainer")).validate();
  } catch (const std::exception&) {
    // Every refusal is an exception that the CLI prints as one line.
  }
  return 0;
}
