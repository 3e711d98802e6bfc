#include "recur/activation_recording.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "recur/gemm.h"

namespace recur {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

struct LayerParameters {
  const float* weight_ih;  // [G*H, I]
  const float* weight_hh;  // [G*H, H]
  const float* bias_ih;    // [G*H] or null
  const float* bias_hh;
};

LayerParameters layer_parameters(Recurrent<float>& rnn, int64_t layer) {
  const std::string suffix = "_l" + std::to_string(layer);
  const bool bias = rnn.options().bias;
  return {rnn.parameter("weight_ih" + suffix).value.data(), rnn.parameter("weight_hh" + suffix).value.data(),
          bias ? rnn.parameter("bias_ih" + suffix).value.data() : nullptr,
          bias ? rnn.parameter("bias_hh" + suffix).value.data() : nullptr};
}

// One layer over all steps: input x [T, I] -> its activations.
void run_layer(const RecurrentOptions& options, const LayerParameters& w, const float* x, int64_t steps, int64_t in,
               LayerActivations& out) {
  const int64_t H = options.hidden_size, G = gate_count(options.cell), GH = G * H;
  const CellKind cell = options.cell;
  // Input part of every step at once: P = x W_ih^T + b_ih.
  Tensor<float> projected({steps, GH});
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t j = 0; j < GH; ++j) projected[t * GH + j] = w.bias_ih ? w.bias_ih[j] : 0.0f;
  gemm<float>(Transpose::No, Transpose::Yes, steps, GH, in, 1.0f, x, in, w.weight_ih, in, 1.0f, projected.data(), GH);

  out.h.resize({steps, H});
  if (cell == CellKind::Lstm) out.c.resize({steps, H});
  if (G > 1) out.gates.resize({steps, GH});
  std::vector<float> h(H, 0.0f), c(H, 0.0f), recurrent(GH), reset_h(H);
  for (int64_t t = 0; t < steps; ++t) {
    // Recurrent part: R = W_hh h + b_hh.
    for (int64_t j = 0; j < GH; ++j) recurrent[j] = w.bias_hh ? w.bias_hh[j] : 0.0f;
    gemm<float>(Transpose::No, Transpose::Yes, 1, GH, H, 1.0f, h.data(), H, w.weight_hh, H, 1.0f, recurrent.data(), GH);
    const float* p = projected.data() + t * GH;
    float* gates = G > 1 ? out.gates.data() + t * GH : nullptr;
    switch (cell) {
      case CellKind::RnnTanh:
      case CellKind::RnnRelu:
        for (int64_t j = 0; j < H; ++j) {
          const float a = p[j] + recurrent[j];
          h[j] = cell == CellKind::RnnTanh ? std::tanh(a) : std::max(a, 0.0f);
        }
        break;
      case CellKind::Lstm:
        for (int64_t j = 0; j < H; ++j) {
          const float i = sigmoid(p[j] + recurrent[j]), f = sigmoid(p[H + j] + recurrent[H + j]);
          const float g = std::tanh(p[2 * H + j] + recurrent[2 * H + j]);
          const float o = sigmoid(p[3 * H + j] + recurrent[3 * H + j]);
          c[j] = f * c[j] + i * g;
          h[j] = o * std::tanh(c[j]);
          gates[j] = i, gates[H + j] = f, gates[2 * H + j] = g, gates[3 * H + j] = o;
        }
        break;
      case CellKind::Gru: {
        for (int64_t j = 0; j < 2 * H; ++j) gates[j] = sigmoid(p[j] + recurrent[j]);
        const float* r = gates;
        const float* z = gates + H;
        if (options.gru_reset == GruReset::AfterProduct) {
          // n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
          for (int64_t j = 0; j < H; ++j) gates[2 * H + j] = std::tanh(p[2 * H + j] + r[j] * recurrent[2 * H + j]);
        } else {
          // n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
          for (int64_t j = 0; j < H; ++j) reset_h[j] = r[j] * h[j];
          for (int64_t j = 0; j < H; ++j) recurrent[2 * H + j] = w.bias_hh ? w.bias_hh[2 * H + j] : 0.0f;
          gemm<float>(Transpose::No, Transpose::Yes, 1, H, H, 1.0f, reset_h.data(), H, w.weight_hh + 2 * H * H, H, 1.0f,
                      recurrent.data() + 2 * H, H);
          for (int64_t j = 0; j < H; ++j) gates[2 * H + j] = std::tanh(p[2 * H + j] + recurrent[2 * H + j]);
        }
        for (int64_t j = 0; j < H; ++j) h[j] = (1 - z[j]) * gates[2 * H + j] + z[j] * h[j];
        break;
      }
      case CellKind::Mut1:
      case CellKind::Mut2:
      case CellKind::Mut3:
        break;  // refused by record_activations
    }
    std::copy(h.begin(), h.end(), out.h.data() + t * H);
    if (cell == CellKind::Lstm) std::copy(c.begin(), c.end(), out.c.data() + t * H);
  }
}

}  // namespace

std::vector<std::string> gate_names(CellKind cell) {
  switch (cell) {
    case CellKind::Lstm: return {"input", "forget", "cell", "output"};
    case CellKind::Gru: return {"reset", "update", "new"};
    default: return {};
  }
}

bool is_sigmoid_gate(CellKind cell, size_t gate) {
  if (cell == CellKind::Lstm) return gate != 2;
  if (cell == CellKind::Gru) return gate != 2;
  return false;
}

ActivationRecording record_activations(LanguageModel& model, std::span<const int64_t> tokens) {
  const LanguageModelConfig& config = model.config();
  Recurrent<float>& rnn = model.recurrent();
  const RecurrentOptions& options = rnn.options();
  if (options.bidirectional) throw std::invalid_argument("recording activations needs a unidirectional model");
  if (options.cell == CellKind::Mut1 || options.cell == CellKind::Mut2 || options.cell == CellKind::Mut3)
    throw std::invalid_argument("recording activations supports rnn_tanh, rnn_relu, lstm and gru models, not " +
                                cell_name(options.cell));
  const int64_t T = static_cast<int64_t>(tokens.size()), V = config.vocab_size, H = config.hidden_size;
  for (int64_t token : tokens)
    if (token < 0 || token >= V)
      throw std::invalid_argument("token id " + std::to_string(token) + " is outside the vocabulary of " +
                                  std::to_string(V));

  // Layer 0's input: embedding rows, or one-hot vectors.
  const int64_t input_size = options.input_size;
  Tensor<float> input({T, input_size});
  if (Embedding<float>* embedding = model.embedding()) {
    const float* table = embedding->parameters()[0]->value.data();
    for (int64_t t = 0; t < T; ++t)
      std::copy(table + tokens[t] * input_size, table + (tokens[t] + 1) * input_size, input.data() + t * input_size);
  } else {
    for (int64_t t = 0; t < T; ++t) input[t * input_size + tokens[t]] = 1.0f;
  }

  ActivationRecording recording;
  recording.cell = options.cell;
  recording.steps = T;
  recording.hidden_size = H;
  recording.layers.resize(static_cast<size_t>(options.num_layers));
  for (int64_t l = 0; l < options.num_layers; ++l) {
    const float* x = l == 0 ? input.data() : recording.layers[l - 1].h.data();
    run_layer(options, layer_parameters(rnn, l), x, T, l == 0 ? input_size : H, recording.layers[l]);
  }

  // The decoder over every step: logits = h W^T + b.
  auto decoder = model.decoder().parameters();
  recording.logits.resize({T, V});
  for (int64_t t = 0; t < T; ++t) std::copy(decoder[1]->value.data(), decoder[1]->value.data() + V, recording.logits.data() + t * V);
  gemm<float>(Transpose::No, Transpose::Yes, T, V, H, 1.0f, recording.layers.back().h.data(), H,
              decoder[0]->value.data(), H, 1.0f, recording.logits.data(), V);
  return recording;
}

}  // namespace recur
