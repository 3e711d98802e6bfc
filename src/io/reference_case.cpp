#include "recur/reference_case.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "recur/bounded_json.h"

namespace recur {

namespace {

using nlohmann::json;

FormatError case_error(const std::string& source, const std::string& what) { return FormatError(source + ": " + what); }

int64_t config_integer(const json& config, const char* key, int64_t minimum, const std::string& source) {
  if (!config.contains(key))
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "' lacks \"" + key + "\"");
  const json& value = config[key];
  if (!value.is_number_integer() || value.get<int64_t>() < minimum)
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "': \"" + key +
                                 "\" must be an integer >= " + std::to_string(minimum) + ", got " + value.dump());
  return value.get<int64_t>();
}

bool config_bool(const json& config, const char* key, const std::string& source) {
  const json& value = config[key];
  if (!value.is_boolean())
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "': \"" + key +
                                 "\" must be true or false, got " + value.dump());
  return value.get<bool>();
}

// The names a case of this configuration holds: exactly these, so that a file
// whose tensors disagree with its metadata (say, biases with "bias": false) is
// reported instead of half-checked.
std::set<std::string> expected_tensor_names(const ReferenceConfig& config, const std::vector<std::string>& parameters) {
  std::set<std::string> names = {"input", "h0", "grad_output", "grad_hn", "output", "hn", "grad_input", "grad_h0"};
  if (cell_info(config.options.cell).cell_state) names.insert({"c0", "grad_cn", "cn", "grad_c0"});
  for (const std::string& p : parameters) {
    names.insert(p);
    names.insert("grad." + p);
  }
  return names;
}

std::string describe(const ReferenceConfig& config) {
  const RecurrentOptions& o = config.options;
  return cell_name(o.cell) + ", " + std::to_string(o.num_layers) + " layer(s), " +
         (o.bidirectional ? "bidirectional" : "unidirectional") + (o.bias ? "" : ", no bias");
}

// Decides the case's precision: every floating tensor F32, or every one F64.
bool uses_double_precision(const SafetensorsFile& file) {
  std::string first_float;
  for (const auto& [name, entry] : file.tensors) {
    if (name == "lengths") continue;
    if (entry.dtype != Dtype::F32 && entry.dtype != Dtype::F64)
      throw case_error(file.path, "tensor '" + name + "' has dtype " + dtype_name(entry.dtype) +
                                      "; reference tensors are F32 or F64");
    if (first_float.empty()) {
      first_float = name;
    } else if (entry.dtype != file.tensors.at(first_float).dtype) {
      throw case_error(file.path, "tensor '" + name + "' is " + dtype_name(entry.dtype) + " but '" + first_float +
                                      "' is " + dtype_name(file.tensors.at(first_float).dtype) +
                                      "; a case is all F32 or all F64");
    }
  }
  if (first_float.empty()) throw case_error(file.path, "holds no F32 or F64 tensors");
  return file.tensors.at(first_float).dtype == Dtype::F64;
}

// Insists that a tensor is there with this shape; `meaning` spells the shape out for the message.
void require_shape(const SafetensorsFile& file, const std::string& name, const Shape& shape,
                   const std::string& meaning) {
  if (!file.contains(name)) throw case_error(file.path, "missing tensor '" + name + "' (" + meaning + ")");
  const TensorEntry& entry = file.entry(name);
  if (entry.shape != shape)
    throw case_error(file.path, "tensor '" + name + "' has shape " + shape_string(entry.shape) + ", expected " +
                                    shape_string(shape) + " (" + meaning + ")");
}

template <typename T>
Tensor<T> load(const SafetensorsFile& file, const std::string& name, const Shape& shape, const std::string& meaning) {
  require_shape(file, name, shape, meaning);
  return file.tensor<T>(name);
}

std::vector<int64_t> load_lengths(const SafetensorsFile& file, const ReferenceConfig& config) {
  if (!file.contains("lengths")) return {};
  const TensorEntry& entry = file.entry("lengths");
  if (entry.shape != Shape{config.batch})
    throw case_error(file.path, "tensor 'lengths' has shape " + shape_string(entry.shape) + ", expected [" +
                                    std::to_string(config.batch) + "] (batch)");
  std::vector<int64_t> lengths = file.integers("lengths");
  for (int64_t length : lengths)
    if (length < 1 || length > config.seq_len)
      throw case_error(file.path, "tensor 'lengths' holds " + std::to_string(length) + ", outside [1, seq_len = " +
                                      std::to_string(config.seq_len) + "]");
  return lengths;
}

// The expected output of a padded step is zero whatever the file says there.
template <typename T>
void zero_padded_steps(Tensor<T>& output, std::span<const int64_t> lengths) {
  if (lengths.empty()) return;
  const int64_t steps = output.dim(0), batch = output.dim(1), width = output.dim(2);
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t b = 0; b < batch; ++b)
      if (t >= lengths[static_cast<size_t>(b)])
        std::fill_n(output.data() + (t * batch + b) * width, width, T(0));
}

template <typename T>
TensorComparison compare(const std::string& name, const Tensor<T>& actual, const Tensor<T>& expected) {
  // A shape mismatch here is recur's fault, not the file's: the file's shapes were checked on load.
  if (actual.shape() != expected.shape())
    throw std::runtime_error("recur produced shape " + shape_string(actual.shape()) + " for '" + name +
                             "', expected " + shape_string(expected.shape()));
  const Tensor<double> a = tensor_cast<double>(actual), b = tensor_cast<double>(expected);
  return compare_tensors(name, a.data(), b.data(), a.numel());
}

template <typename T>
std::vector<TensorComparison> run_in_precision(const SafetensorsFile& file, const ReferenceConfig& config) {
  const RecurrentOptions& o = config.options;
  const bool lstm = cell_info(o.cell).cell_state;  // carries c
  const int64_t steps = config.seq_len, batch = config.batch, hidden = o.hidden_size;
  const Shape state_shape = {o.num_layers * o.directions(), batch, hidden};
  const Shape output_shape = {steps, batch, o.directions() * hidden};
  const Shape input_shape = {steps, batch, o.input_size};
  const std::string state_meaning = "num_layers*directions, batch, hidden_size";
  const std::string output_meaning = "seq_len, batch, directions*hidden_size";
  const std::string input_meaning = "seq_len, batch, input_size";

  // The layer is sized by the metadata; check it against the shapes the file
  // actually holds first, so a corrupt size cannot ask for gigabytes.
  require_shape(file, "input", input_shape, input_meaning);
  require_shape(file, "h0", state_shape, state_meaning);
  const CellInfo& cell = cell_info(o.cell);
  require_shape(file, "weight_ih_l0", {cell.input_blocks * hidden, o.input_size}, "gates*hidden_size, input_size");
  require_shape(file, "weight_hh_l0", {cell.hidden_blocks * hidden, hidden}, "gates*hidden_size, hidden_size");

  Rng unused_rng(0);  // parameters are overwritten from the file below
  Recurrent<T> layer(o, unused_rng);
  const ParameterList<T> parameters = layer.parameters();
  std::vector<std::string> parameter_names;
  for (const Parameter<T>* p : parameters) parameter_names.push_back(p->name);
  const std::set<std::string> known = expected_tensor_names(config, parameter_names);
  for (const auto& [name, entry] : file.tensors)
    if (name != "lengths" && !known.count(name))
      throw case_error(file.path, "unexpected tensor '" + name + "' for a " + describe(config) +
                                      " layer (does the metadata match the tensors?)");

  // Everything is loaded and shape-checked before anything runs.
  for (Parameter<T>* p : parameters)
    p->value = load<T>(file, p->name, p->value.shape(), "parameter of a " + describe(config) + " layer");
  const Tensor<T> input = load<T>(file, "input", input_shape, input_meaning);
  const RecurrentState<T> initial{load<T>(file, "h0", state_shape, state_meaning),
                                  lstm ? load<T>(file, "c0", state_shape, state_meaning) : Tensor<T>()};
  const std::vector<int64_t> lengths = load_lengths(file, config);
  const Tensor<T> grad_output = load<T>(file, "grad_output", output_shape, output_meaning);
  const RecurrentState<T> grad_final{load<T>(file, "grad_hn", state_shape, state_meaning),
                                     lstm ? load<T>(file, "grad_cn", state_shape, state_meaning) : Tensor<T>()};
  Tensor<T> expected_output = load<T>(file, "output", output_shape, output_meaning);
  zero_padded_steps(expected_output, lengths);
  const Tensor<T> expected_hn = load<T>(file, "hn", state_shape, state_meaning);
  const Tensor<T> expected_grad_input = load<T>(file, "grad_input", input_shape, input_meaning);
  const Tensor<T> expected_grad_h0 = load<T>(file, "grad_h0", state_shape, state_meaning);
  Tensor<T> expected_cn, expected_grad_c0;
  if (lstm) {
    expected_cn = load<T>(file, "cn", state_shape, state_meaning);
    expected_grad_c0 = load<T>(file, "grad_c0", state_shape, state_meaning);
  }
  std::vector<Tensor<T>> expected_parameter_grads;
  for (const Parameter<T>* p : parameters)
    expected_parameter_grads.push_back(load<T>(file, "grad." + p->name, p->value.shape(), "gradient of " + p->name));

  Tensor<T> output;
  RecurrentState<T> final_state;
  layer.forward(input, initial, lengths, output, final_state, /*training=*/false);
  zero_grad(parameters);
  Tensor<T> grad_input;
  RecurrentState<T> grad_initial;
  layer.backward(grad_output, grad_final, grad_input, grad_initial);

  std::vector<TensorComparison> comparisons;
  comparisons.push_back(compare("output", output, expected_output));
  comparisons.push_back(compare("hn", final_state.h, expected_hn));
  if (lstm) comparisons.push_back(compare("cn", final_state.c, expected_cn));
  comparisons.push_back(compare("grad_input", grad_input, expected_grad_input));
  comparisons.push_back(compare("grad_h0", grad_initial.h, expected_grad_h0));
  if (lstm) comparisons.push_back(compare("grad_c0", grad_initial.c, expected_grad_c0));
  for (size_t i = 0; i < parameters.size(); ++i)
    comparisons.push_back(compare("grad." + parameters[i]->name, parameters[i]->grad, expected_parameter_grads[i]));
  return comparisons;
}

}  // namespace

ReferenceConfig parse_reference_config(const std::string& json_text, const std::string& source) {
  json config;
  try {
    config = parse_bounded_json(json_text);
  } catch (const std::exception&) {
    config = json::value_t::discarded;
  }
  if (config.is_discarded() || !config.is_object())
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "' is not a JSON object: " + json_text);
  static const std::set<std::string> known_keys = {"cell",          "input_size", "hidden_size", "num_layers",
                                                   "bidirectional", "seq_len",    "batch",       "bias"};
  for (const auto& [key, value] : config.items())
    if (!known_keys.count(key))
      throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "' has unknown key \"" + key +
                                   "\" (known: cell, input_size, hidden_size, num_layers, bidirectional, seq_len, "
                                   "batch, bias)");

  ReferenceConfig result;
  RecurrentOptions& o = result.options;
  if (!config.contains("cell") || !config["cell"].is_string())
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey +
                                 "' needs \"cell\": one of " + known_cell_names());
  try {
    o.cell = parse_cell(config["cell"].get<std::string>());
  } catch (const std::exception& e) {
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "': " + e.what());
  }
  o.input_size = config_integer(config, "input_size", 1, source);
  o.hidden_size = config_integer(config, "hidden_size", 1, source);
  o.num_layers = config_integer(config, "num_layers", 1, source);
  if (!config.contains("bidirectional"))
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "' lacks \"bidirectional\"");
  o.bidirectional = config_bool(config, "bidirectional", source);
  o.bias = config.contains("bias") ? config_bool(config, "bias", source) : true;
  result.seq_len = config_integer(config, "seq_len", 1, source);
  result.batch = config_integer(config, "batch", 1, source);
  try {
    o.validate();
  } catch (const std::exception& e) {
    throw case_error(source, std::string("metadata '") + kReferenceMetadataKey + "': " + e.what());
  }
  return result;
}

TensorComparison compare_tensors(const std::string& name, const double* actual, const double* expected, int64_t n) {
  TensorComparison result{name, 0.0, 0.0};
  double scale = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double difference = std::abs(actual[i] - expected[i]);
    // NaN compares false with everything; make it the worst possible error instead of invisible.
    result.max_absolute_error = std::isnan(difference) ? std::numeric_limits<double>::infinity()
                                                       : std::max(result.max_absolute_error, difference);
    if (!std::isnan(expected[i])) scale = std::max(scale, std::abs(expected[i]));
  }
  result.max_relative_error = result.max_absolute_error / std::max(scale, kReferenceScaleFloor);
  return result;
}

double ReferenceResult::worst_error() const {
  double worst = 0.0;
  for (const TensorComparison& c : comparisons) worst = std::max(worst, c.max_relative_error);
  return worst;
}

double reference_tolerance(bool double_precision) { return double_precision ? 1e-9 : 1e-4; }

ReferenceResult run_reference_case(const std::string& path) {
  const SafetensorsFile file = read_safetensors(path);
  if (!file.metadata.count(kReferenceMetadataKey))
    throw case_error(path, std::string("no metadata key '") + kReferenceMetadataKey +
                               "'; is this a reference case written by scripts/make_reference.py?");
  ReferenceResult result;
  result.path = path;
  result.config = parse_reference_config(file.metadata.at(kReferenceMetadataKey), path);
  result.double_precision = uses_double_precision(file);
  result.variable_lengths = file.contains("lengths");
  result.tolerance = reference_tolerance(result.double_precision);
  result.comparisons = result.double_precision ? run_in_precision<double>(file, result.config)
                                               : run_in_precision<float>(file, result.config);
  return result;
}

}  // namespace recur
