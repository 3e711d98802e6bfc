// A model rebuilt from a checkpoint may allocate no more parameters than the
// checkpoint stores (parameter_budget.h), whatever its task: a recur.model
// that claims a layer far larger than its tensors is refused before the model
// is allocated. Without the budget, 200000 hidden units allocate 640 GB
// (4 * 200000^2 floats) and fail with bad_alloc or worse. The fuzz_checkpoint
// harness found the memory, seq2seq and caption models without one (an
// allocation beyond libFuzzer's -malloc_limit_mb).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "recur/char_model.h"
#include "recur/checkpoint.h"
#include "recur/generation_model.h"
#include "recur/memory_task.h"
#include "recur/recurrent.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::fresh_directory_for_test;

// Saves `checkpoint` as it is, which `rebuild` must accept, then with
// `enlarge` applied to its recur.model, which `rebuild` must refuse with the
// budget's FormatError naming the file.
void expect_only_the_stored_size_is_rebuilt(Checkpoint checkpoint, const std::function<void(nlohmann::json&)>& enlarge,
                                            const std::function<void(const Checkpoint&)>& rebuild) {
  const fs::path dir = fresh_directory_for_test("recur_ckpt_budget_");
  save_checkpoint(dir / "ok.safetensors", checkpoint);
  EXPECT_NO_THROW(rebuild(load_checkpoint(dir / "ok.safetensors")));
  enlarge(checkpoint.model);
  save_checkpoint(dir / "huge.safetensors", checkpoint);
  try {
    rebuild(load_checkpoint(dir / "huge.safetensors"));
    ADD_FAILURE() << "a model larger than the stored tensors was built from " << checkpoint.model.dump();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "huge.safetensors").string() +
                                         ": its model configuration needs more parameters than the checkpoint stores"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(CheckpointBudget, ACharModelLargerThanItsTensorsIsRefusedBeforeAllocating) {
  CharModel model;
  model.vocabulary = Vocabulary::of_text(std::u32string(U"abcab"), TextUnit::CodePoint);
  Rng rng(1);
  model.model = std::make_unique<LanguageModel>(
      LanguageModelConfig{.vocab_size = model.vocabulary.size(), .embedding_size = 4, .hidden_size = 8, .num_layers = 1},
      rng);
  Checkpoint checkpoint;
  store_parameters(model.model->parameters(), checkpoint);
  checkpoint.model = model.describe();
  expect_only_the_stored_size_is_rebuilt(
      checkpoint, [](nlohmann::json& model) { model["config"]["hidden_size"] = 200000; },
      [](const Checkpoint& c) { (void)CharModel::from_checkpoint(c); });
}

TEST(CheckpointBudget, AMemoryModelLargerThanItsTensorsIsRefusedBeforeAllocating) {
  const MemoryTaskSpec spec{.kind = MemoryTaskKind::Copy, .length = 3, .symbols = 3, .items = 2};
  MemoryTask task(spec, memory_model_config(spec, CellKind::Lstm, 4, 1), 2, 4, 1);
  Checkpoint checkpoint;
  store_parameters(task.parameters(), checkpoint);
  checkpoint.model = task.describe_model();
  expect_only_the_stored_size_is_rebuilt(
      checkpoint, [](nlohmann::json& model) { model["config"]["hidden_size"] = 200000; },
      [](const Checkpoint& c) { (void)MemoryModel::from_checkpoint(c); });
}

Checkpoint checkpoint_of(const GenerationModel& g) {
  Checkpoint checkpoint;
  store_parameters(g.model->parameters(), checkpoint);
  checkpoint.model = g.describe();
  return checkpoint;
}

GenerationModelOptions tiny_generation_options() {
  GenerationModelOptions options;
  options.config.encoder = EncoderConfig{.embedding = 4, .hidden_size = 4, .bidirectional = false};
  options.config.decoder.embedding = 4;
  options.config.decoder.hidden_size = 4;
  return options;
}

TEST(CheckpointBudget, ASeq2SeqModelLargerThanItsTensorsIsRefusedBeforeAllocating) {
  const PairedText pairs = parse_paired_text("ab\tba\ncd\tdc\n", "pairs.tsv", {TokenUnit::Chars, TokenUnit::Chars, true});
  Rng rng(1);
  const GenerationModel g = GenerationModel::build_seq2seq(pairs, tiny_generation_options(), rng);
  const auto rebuild = [](const Checkpoint& c) { (void)GenerationModel::from_checkpoint(c, "seq2seq"); };
  expect_only_the_stored_size_is_rebuilt(
      checkpoint_of(g), [](nlohmann::json& model) { model["config"]["encoder"]["embedding"] = 1 << 16; }, rebuild);
  expect_only_the_stored_size_is_rebuilt(
      checkpoint_of(g), [](nlohmann::json& model) { model["config"]["decoder"]["hidden_size"] = 200000; }, rebuild);
}

TEST(CheckpointBudget, ACaptionModelLargerThanItsTensorsIsRefusedBeforeAllocating) {
  const CaptionData captions = parse_caption_jsonl(
      "{\"vector\": [1, 2], \"text\": \"a cat\"}\n{\"vector\": [0, 1], \"text\": \"a dog\"}\n", "captions.jsonl", {});
  GenerationModelOptions options = tiny_generation_options();
  options.normalise = false;  // no scaler: nothing else pins the vector width
  Rng rng(1);
  const GenerationModel g = GenerationModel::build_caption(captions, options, rng);
  expect_only_the_stored_size_is_rebuilt(
      checkpoint_of(g), [](nlohmann::json& model) { model["config"]["decoder"]["condition_size"] = kMaxLayerWidth; },
      [](const Checkpoint& c) { (void)GenerationModel::from_checkpoint(c, "caption"); });
}

}  // namespace
}  // namespace recur
