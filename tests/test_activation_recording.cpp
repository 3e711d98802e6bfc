// record_activations steps the model with the generation path and copies the
// gate buffers; the recorded h and c must equal the model's own batch-1
// forward (TokenGenerator) at every step, and the gates must be the ones that
// produce them by each cell's equations, in PyTorch's order (LSTM, GRU) or
// the registry's (MUT).
#include "recur/activation_recording.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "recur/token_generator.h"

namespace recur {
namespace {

struct RecordingCase {
  CellKind cell;
  int64_t embedding_size;
  GruReset reset = GruReset::AfterProduct;
};

class RecordingMatchesTheModel : public ::testing::TestWithParam<RecordingCase> {};

TEST_P(RecordingMatchesTheModel, HiddenAndCellStatesAndLogitsAtEveryStep) {
  const RecordingCase c = GetParam();
  const int64_t V = 11, T = 23, H = 7, L = 2;
  Rng rng(3);
  LanguageModel model({.cell = c.cell, .gru_reset = c.reset, .vocab_size = V, .embedding_size = c.embedding_size,
                       .hidden_size = H, .num_layers = L},
                      rng);
  std::vector<int64_t> tokens(T);
  for (int64_t& t : tokens) t = static_cast<int64_t>(rng.below(V));
  const ActivationRecording recording = record_activations(model, tokens);
  ASSERT_EQ(recording.layers.size(), static_cast<size_t>(L));
  EXPECT_EQ(recording.steps, T);

  TokenGenerator generator(model);
  for (int64_t t = 0; t < T; ++t) {
    const std::span<const float> logits = generator.feed(tokens[t]);
    for (int64_t v = 0; v < V; ++v) ASSERT_NEAR(recording.logits[t * V + v], logits[v], 1e-4) << "t " << t;
    const RecurrentState<float>& state = generator.state();  // [L, 1, H]
    for (int64_t l = 0; l < L; ++l)
      for (int64_t j = 0; j < H; ++j) {
        ASSERT_NEAR(recording.layers[l].h[t * H + j], state.h[l * H + j], 1e-5) << "layer " << l << " t " << t;
        if (c.cell == CellKind::Lstm) {  // braces: ASSERT_NEAR is an if/else
          ASSERT_NEAR(recording.layers[l].c[t * H + j], state.c[l * H + j], 1e-5) << "layer " << l << " t " << t;
        }
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, RecordingMatchesTheModel,
                         ::testing::Values(RecordingCase{CellKind::Lstm, 0}, RecordingCase{CellKind::Lstm, 5},
                                           RecordingCase{CellKind::Gru, 5},
                                           RecordingCase{CellKind::Gru, 0, GruReset::BeforeProduct},
                                           RecordingCase{CellKind::RnnTanh, 0}, RecordingCase{CellKind::RnnRelu, 4},
                                           RecordingCase{CellKind::Mut1, 7}, RecordingCase{CellKind::Mut2, 7},
                                           RecordingCase{CellKind::Mut3, 0}));

// The gates are i, f, g, o (LSTM) and r, z, n (GRU): the state follows from them
// by the cell's equations, and the sigmoid gates lie in (0, 1).
TEST(ActivationRecording, GatesAreInPyTorchOrderAndProduceTheState) {
  Rng rng(8);
  const int64_t V = 6, T = 12, H = 5;
  std::vector<int64_t> tokens(T);
  for (int64_t& t : tokens) t = static_cast<int64_t>(rng.below(V));
  {
    LanguageModel lstm({.cell = CellKind::Lstm, .vocab_size = V, .hidden_size = H, .num_layers = 1}, rng);
    const ActivationRecording r = record_activations(lstm, tokens);
    const LayerActivations& a = r.layers[0];
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < H; ++j) {
        const float* g = a.gates.data() + t * 4 * H;
        const float c_before = t == 0 ? 0.0f : a.c[(t - 1) * H + j];
        EXPECT_NEAR(a.c[t * H + j], g[H + j] * c_before + g[j] * g[2 * H + j], 1e-6);
        EXPECT_NEAR(a.h[t * H + j], g[3 * H + j] * std::tanh(a.c[t * H + j]), 1e-6);
        for (int gate : {0, 1, 3}) EXPECT_TRUE(g[gate * H + j] > 0 && g[gate * H + j] < 1);
      }
  }
  {
    LanguageModel gru({.cell = CellKind::Gru, .vocab_size = V, .hidden_size = H, .num_layers = 1}, rng);
    const ActivationRecording r = record_activations(gru, tokens);
    const LayerActivations& a = r.layers[0];
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < H; ++j) {
        const float* g = a.gates.data() + t * 3 * H;
        const float h_before = t == 0 ? 0.0f : a.h[(t - 1) * H + j];
        EXPECT_NEAR(a.h[t * H + j], (1 - g[H + j]) * g[2 * H + j] + g[H + j] * h_before, 1e-6);
      }
  }
  // MUT1-3 (Jozefowicz et al. 2015): h = n * z + h_prev * (1 - z), z and r sigmoid gates.
  for (CellKind cell : {CellKind::Mut1, CellKind::Mut2, CellKind::Mut3}) {
    SCOPED_TRACE(cell_name(cell));
    LanguageModel mut({.cell = cell, .vocab_size = V, .embedding_size = H, .hidden_size = H, .num_layers = 1}, rng);
    const ActivationRecording r = record_activations(mut, tokens);
    const LayerActivations& a = r.layers[0];
    const std::vector<std::string> names = gate_names(cell);
    ASSERT_EQ(names.size(), 3u);
    const auto block = [&](const std::string& name) {
      return static_cast<int64_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    const int64_t z = block("update"), n = block("new"), reset = block("reset");
    ASSERT_TRUE(z < 3 && n < 3 && reset < 3);
    EXPECT_TRUE(is_sigmoid_gate(cell, z) && is_sigmoid_gate(cell, reset) && !is_sigmoid_gate(cell, n));
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < H; ++j) {
        const float* g = a.gates.data() + t * 3 * H;
        const float h_before = t == 0 ? 0.0f : a.h[(t - 1) * H + j];
        EXPECT_NEAR(a.h[t * H + j], g[n * H + j] * g[z * H + j] + h_before * (1 - g[z * H + j]), 1e-6);
        EXPECT_TRUE(g[reset * H + j] > 0 && g[reset * H + j] < 1);
      }
  }
  EXPECT_EQ(gate_names(CellKind::Lstm), (std::vector<std::string>{"input", "forget", "cell", "output"}));
  EXPECT_TRUE(is_sigmoid_gate(CellKind::Lstm, 1));
  EXPECT_FALSE(is_sigmoid_gate(CellKind::Lstm, 2));
  EXPECT_TRUE(gate_names(CellKind::RnnTanh).empty());
}

TEST(ActivationRecording, RefusesTokensOutsideTheVocabulary) {
  Rng rng(1);
  LanguageModel model({.cell = CellKind::Gru, .vocab_size = 4, .hidden_size = 3, .num_layers = 1}, rng);
  const std::vector<int64_t> tokens = {0, 4};
  EXPECT_THROW(record_activations(model, tokens), std::invalid_argument);
}

}  // namespace
}  // namespace recur
