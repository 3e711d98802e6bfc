#include "recur/activation_recording.h"

#include <algorithm>
#include <stdexcept>

#include "recur/gemm.h"
#include "recur/recurrent_stepper.h"

namespace recur {

std::vector<std::string> gate_names(CellKind cell) {
  const CellInfo& info = cell_info(cell);
  std::vector<std::string> names;
  for (int64_t g = 0; g < info.gates && !info.gate_blocks[g].name.empty(); ++g)
    names.emplace_back(info.gate_blocks[g].name);
  return names;
}

bool is_sigmoid_gate(CellKind cell, size_t gate) {
  const CellInfo& info = cell_info(cell);
  return gate < info.gate_blocks.size() && info.gate_blocks[gate].sigmoid;
}

ActivationRecording record_activations(LanguageModel& model, std::span<const int64_t> tokens) {
  const LanguageModelConfig& config = model.config();
  Recurrent<float>& rnn = model.recurrent();
  const RecurrentOptions& options = rnn.options();
  if (options.bidirectional) throw std::invalid_argument("recording activations needs a unidirectional model");
  const int64_t T = static_cast<int64_t>(tokens.size()), V = config.vocab_size, H = config.hidden_size;
  for (int64_t token : tokens)
    if (token < 0 || token >= V)
      throw std::invalid_argument("token id " + std::to_string(token) + " is outside the vocabulary of " +
                                  std::to_string(V));

  ActivationRecording recording;
  recording.cell = options.cell;
  recording.steps = T;
  recording.hidden_size = H;
  recording.layers.resize(static_cast<size_t>(options.num_layers));
  const int64_t G = gate_count(options.cell);
  const bool has_gates = !gate_names(options.cell).empty();
  const bool has_cell_state = cell_info(options.cell).cell_state;
  for (LayerActivations& layer : recording.layers) {
    layer.h.resize({T, H});
    if (has_cell_state) layer.c.resize({T, H});
    if (has_gates) layer.gates.resize({T, G * H});
  }

  // The generation path, one character at a time: the cell kernels leave the
  // gates' activations in their buffer, which the observer copies.
  RecurrentStepper<float> stepper(rnn);
  RecurrentState<float> state = stepper.initial_state(1);
  const int64_t input_size = options.input_size;
  std::vector<float> x(static_cast<size_t>(input_size));
  const float* table = model.embedding() ? model.embedding()->parameters()[0]->value.data() : nullptr;
  int64_t t = 0;
  auto record = [&](int64_t l, const float* gates, const float* h, const float* c) {
    LayerActivations& layer = recording.layers[static_cast<size_t>(l)];
    std::copy(h, h + H, layer.h.data() + t * H);
    if (has_cell_state) std::copy(c, c + H, layer.c.data() + t * H);
    if (has_gates) std::copy(gates, gates + G * H, layer.gates.data() + t * G * H);
  };
  for (; t < T; ++t) {
    // Layer 0's input: the embedding row, or a one-hot vector.
    if (table) {
      std::copy(table + tokens[t] * input_size, table + (tokens[t] + 1) * input_size, x.begin());
    } else {
      std::fill(x.begin(), x.end(), 0.0f);
      x[static_cast<size_t>(tokens[t])] = 1.0f;
    }
    stepper.step_observed(x.data(), 1, state, record);
  }

  // The decoder over every step: logits = h W^T + b.
  auto decoder = model.decoder().parameters();
  recording.logits.resize({T, V});
  for (int64_t s = 0; s < T; ++s)
    std::copy(decoder[1]->value.data(), decoder[1]->value.data() + V, recording.logits.data() + s * V);
  gemm<float>(Transpose::No, Transpose::Yes, T, V, H, 1.0f, recording.layers.back().h.data(), H,
              decoder[0]->value.data(), H, 1.0f, recording.logits.data(), V);
  return recording;
}

}  // namespace recur
