// Checkpoint metadata: a safetensors file whose recur.model and
// recur.training are what a model is rebuilt from. The input is a whole file
// (seeds: real checkpoints of every task); load_checkpoint, then the model its
// task names is rebuilt from it, as `sample`, `eval`, `predict` and
// `--resume` do, and the Trainer's options are read back. A memory task's run
// is resumed in full (Trainer::resume: optimizer state, data position, RNG,
// counters): it is the one task whose resume reads no data file.
#include <exception>

#include "fuzz_input.h"
#include "recur/char_model.h"
#include "recur/checkpoint.h"
#include "recur/forecaster.h"
#include "recur/generation_model.h"
#include "recur/memory_task.h"
#include "recur/sequence_labeler.h"
#include "recur/trainer.h"

namespace {

void resume_memory_run(const recur::Checkpoint& checkpoint) {
  std::unique_ptr<recur::MemoryTask> task = recur::MemoryTask::from_checkpoint(checkpoint);
  recur::TrainerOptions options = recur::TrainerOptions::from_json(checkpoint.training.at("trainer"));
  options.run_dir = "/nonexistent/fuzz";  // never written: the harness does not run()
  recur::Trainer trainer(*task, options);
  trainer.resume(checkpoint);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const recur::fuzz::MemoryFile file(recur::fuzz::as_text(data, size));
  try {
    const recur::Checkpoint checkpoint = recur::load_checkpoint(file.path());
    const std::string task = recur::checkpoint_task(checkpoint);
    if (task == recur::kCharLmTask) (void)recur::CharModel::from_checkpoint(checkpoint);
    if (task == recur::kForecastTask) (void)recur::Forecaster::from_checkpoint(checkpoint);
    if (task == recur::kClassifyTask)
      (void)recur::SequenceLabeler::from_checkpoint(checkpoint, recur::LabelScope::PerSequence);
    if (task == recur::kTagTask) (void)recur::SequenceLabeler::from_checkpoint(checkpoint, recur::LabelScope::PerStep);
    if (task == "seq2seq" || task == "caption") (void)recur::GenerationModel::from_checkpoint(checkpoint, task);
    if (task == recur::kMemoryTask) resume_memory_run(checkpoint);
    if (checkpoint.training.contains("trainer"))
      (void)recur::TrainerOptions::from_json(checkpoint.training.at("trainer")).validate();
  } catch (const std::exception&) {
    // Every refusal is an exception that the CLI prints as one line.
  }
  return 0;
}
