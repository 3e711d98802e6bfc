#include "recur/checkpoint.h"

#include "recur/bounded_json.h"

namespace recur {

namespace {
nlohmann::json parse_json_metadata(const SafetensorsFile& file, const std::string& key) {
  const std::string& text = file.metadata_value(key);
  try {
    return parse_bounded_json(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number such as 1e999
    throw FormatError(file.path + ": metadata '" + key + "' is not valid JSON (" + e.what() + ")");
  } catch (const JsonTooDeep& e) {
    throw FormatError(file.path + ": metadata '" + key + "': " + e.what());
  }
}
}  // namespace

const Tensor<float>& Checkpoint::tensor(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw FormatError(path.string() + ": no tensor '" + name + "'");
  return it->second;
}

const Tensor<float>& Checkpoint::tensor(const std::string& name, const Shape& shape) const {
  const Tensor<float>& stored = tensor(name);
  if (stored.shape() != shape)
    throw FormatError(path.string() + ": tensor '" + name + "' has shape " + shape_string(stored.shape()) +
                      ", the model needs " + shape_string(shape));
  return stored;
}

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  TensorMap entries;
  for (const auto& [name, tensor] : checkpoint.tensors) entries.emplace(name, TensorEntry::from(tensor));
  const MetadataMap metadata = {{"recur.format", kCheckpointFormat},
                                {"recur.model", checkpoint.model.dump()},
                                {"recur.training", checkpoint.training.dump()}};
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  write_safetensors(path.string(), entries, metadata);
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  const SafetensorsFile file = read_safetensors(path.string());
  if (!file.metadata.count("recur.format"))
    throw FormatError(path.string() + ": not a recur checkpoint (no 'recur.format' in the metadata; a reference "
                                      "case or a foreign safetensors file?)");
  if (file.metadata.at("recur.format") != kCheckpointFormat)
    throw FormatError(path.string() + ": checkpoint format '" + file.metadata.at("recur.format") +
                      "' is not the supported '" + kCheckpointFormat + "'");
  Checkpoint checkpoint;
  checkpoint.path = path;
  checkpoint.model = parse_json_metadata(file, "recur.model");
  checkpoint.training = parse_json_metadata(file, "recur.training");
  if (!checkpoint.model.is_object() || !checkpoint.training.is_object())
    throw FormatError(path.string() + ": 'recur.model' and 'recur.training' must be JSON objects");
  for (const auto& [name, entry] : file.tensors) {
    if (entry.dtype != Dtype::F32)
      throw FormatError(path.string() + ": tensor '" + name + "' is " + dtype_name(entry.dtype) +
                        ", checkpoints hold F32");
    checkpoint.tensors.emplace(name, file.tensor<float>(name));
  }
  return checkpoint;
}

std::string checkpoint_task(const Checkpoint& checkpoint) {
  const auto it = checkpoint.model.find("task");
  return it != checkpoint.model.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void require_task(const Checkpoint& checkpoint, const std::string& task, const std::string& description) {
  const std::string found = checkpoint_task(checkpoint);
  if (found == task) return;
  throw FormatError(checkpoint.path.string() + " is a checkpoint of " +
                    (found.empty() ? std::string("no recorded task") : "task '" + found + "'") + ", not " +
                    description + " (task '" + task + "')");
}

ParameterBudget parameter_budget(const Checkpoint& checkpoint) {
  int64_t elements = 0;
  for (const auto& [name, tensor] : checkpoint.tensors) elements += tensor.numel();
  return ParameterBudget(elements, checkpoint.path.string());
}

bool is_model_tensor(const std::string& name) {
  for (const char* prefix : {"optimizer.", "state.", "trained."})
    if (name.starts_with(prefix)) return false;
  return true;
}

void store_parameters(const ParameterList<float>& parameters, Checkpoint& checkpoint) {
  for (const Parameter<float>* p : parameters) checkpoint.tensors[p->name] = p->value;
}

void load_parameters(const Checkpoint& checkpoint, const ParameterList<float>& parameters) {
  for (Parameter<float>* p : parameters) p->value = checkpoint.tensor(p->name, p->value.shape());
}

}  // namespace recur
