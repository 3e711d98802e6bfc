// Checkpoint: a model's tensors plus what it is and where its training stands,
// as one safetensors file (docs/architecture.md, "Files").
//
//   tensors                      parameters under PyTorch's names ("rnn.weight_ih_l0"),
//                                optimizer buffers ("optimizer.<parameter>.<buffer>"),
//                                carried hidden state ("state.h", "state.c"),
//                                with --ema the trained weights ("trained.<parameter>")
//                                while the parameters' names hold their average
//   __metadata__["recur.format"]   "recur-checkpoint-1"
//   __metadata__["recur.model"]    JSON: what the model is (task, configuration, vocabulary)
//   __metadata__["recur.training"] JSON: iteration, epoch, data position, RNG, optimizer
//                                  scalars, schedule, best validation loss ("{}" if none)
//
// Saving is atomic and durable (write_safetensors). Loading checks everything and
// throws FormatError naming the file and what is wrong.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "recur/parameter.h"
#include "recur/safetensors.h"

namespace recur {

inline constexpr const char* kCheckpointFormat = "recur-checkpoint-1";

struct Checkpoint {
  std::filesystem::path path;  // where it was read from (for messages)
  std::map<std::string, Tensor<float>> tensors;
  nlohmann::json model = nlohmann::json::object();
  nlohmann::json training = nlohmann::json::object();

  bool has(const std::string& name) const { return tensors.count(name) != 0; }
  // The tensor, or FormatError naming the file and the tensor.
  const Tensor<float>& tensor(const std::string& name) const;
  // The same, checked to have the shape a model needs (FormatError naming both otherwise).
  const Tensor<float>& tensor(const std::string& name, const Shape& shape) const;
};

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
Checkpoint load_checkpoint(const std::filesystem::path& path);

// The task a checkpoint was trained for ("char_lm", "classify", ...): the
// "task" of its recur.model, or "" when it records none.
std::string checkpoint_task(const Checkpoint& checkpoint);
// Throws FormatError naming the file and both tasks when the checkpoint is
// not of `task`; `description` says what that task's model is ("a character
// language model").
void require_task(const Checkpoint& checkpoint, const std::string& task, const std::string& description);

// The budget for rebuilding the checkpoint's model (parameter_budget.h): the
// elements of all its tensors. Keep it alive while the model is constructed.
ParameterBudget parameter_budget(const Checkpoint& checkpoint);

// Whether a tensor is the model's, not training state (optimizer buffers,
// carried hidden state, the trained weights beside their average).
bool is_model_tensor(const std::string& name);

// Copies the parameters' values into the checkpoint under their names.
void store_parameters(const ParameterList<float>& parameters, Checkpoint& checkpoint);
// Copies the checkpoint's tensors into the parameters; a missing tensor or a
// shape mismatch is a FormatError naming both.
void load_parameters(const Checkpoint& checkpoint, const ParameterList<float>& parameters);

}  // namespace recur
