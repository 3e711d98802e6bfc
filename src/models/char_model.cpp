#include "recur/char_model.h"

namespace recur {

nlohmann::json CharModel::describe() const {
  return {{"task", kCharLmTask}, {"config", model->config().to_json()}, {"vocabulary", vocabulary.to_json()}};
}

CharModel CharModel::from_checkpoint(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  const nlohmann::json& description = checkpoint.model;
  require_task(checkpoint, kCharLmTask, "a character language model");
  if (!description.contains("config") || !description.contains("vocabulary"))
    throw FormatError(where + ": recur.model lacks 'config' or 'vocabulary'");
  CharModel loaded;
  LanguageModelConfig config;
  try {
    config = LanguageModelConfig::from_json(description.at("config"));
    loaded.vocabulary = Vocabulary::from_json(description.at("vocabulary"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": " + e.what());
  }
  if (loaded.vocabulary.size() != config.vocab_size)
    throw FormatError(where + ": vocabulary has " + std::to_string(loaded.vocabulary.size()) +
                      " symbols but the model expects " + std::to_string(config.vocab_size));
  const ParameterBudget budget = parameter_budget(checkpoint);
  Rng unused(0);  // every parameter is overwritten below
  loaded.model = std::make_unique<LanguageModel>(config, unused);
  load_parameters(checkpoint, loaded.model->parameters());
  return loaded;
}

}  // namespace recur
