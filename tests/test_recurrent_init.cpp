// --init and --forget-bias (recurrent_init.h): orthogonal gives W^T W = I per
// gate block, identity gives I (and zero biases, as the IRNN), the forget bias
// lands in the f slice of PyTorch's i, f, g, o and nowhere else, uniform
// changes nothing, and the choice survives a configuration's JSON.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "command_runner.h"
#include "recur/checkpoint.h"
#include "recur/language_model.h"
#include "recur/recurrent_init.h"
#include "test_files.h"

namespace recur {
namespace {

RecurrentOptions lstm_stack() {
  return {.cell = CellKind::Lstm, .input_size = 3, .hidden_size = 5, .num_layers = 2, .bidirectional = true};
}

// The stack as Recurrent draws it with seed 9, then `init` applied.
Recurrent<double> initialised(const RecurrentOptions& options, const RecurrentInit& init) {
  Rng rng(9);
  Recurrent<double> layer(options, rng);
  initialise_recurrent(layer, init, rng);
  return layer;
}

TEST(RecurrentInit, OrthogonalGivesOrthonormalGateBlocks) {
  const RecurrentOptions options = lstm_stack();
  const int64_t H = options.hidden_size;
  Recurrent<double> layer = initialised(options, {.recurrent = RecurrentInitKind::Orthogonal});
  Recurrent<double> plain = initialised(options, {});
  int checked = 0;
  for (const std::string suffix : {"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
    const Tensor<double>& w = layer.parameter("weight_hh" + suffix).value;
    ASSERT_EQ(w.dim(0), 4 * H);
    for (int64_t block = 0; block < 4; ++block) {
      const double* b = w.data() + block * H * H;
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < H; ++j) {
          double dot = 0;  // (W^T W)_ij
          for (int64_t k = 0; k < H; ++k) dot += b[k * H + i] * b[k * H + j];
          EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-12) << suffix << " block " << block;
        }
      ++checked;
    }
    // Blocks are drawn apart, not one matrix repeated.
    EXPECT_NE(w[0], w[H * H]);
    // Nothing but W_hh changes.
    const Tensor<double>& w_ih = layer.parameter("weight_ih" + suffix).value;
    const Tensor<double>& w_ih_plain = plain.parameter("weight_ih" + suffix).value;
    for (int64_t i = 0; i < w_ih.numel(); ++i) ASSERT_EQ(w_ih[i], w_ih_plain[i]);
  }
  EXPECT_EQ(checked, 16);
}

TEST(RecurrentInit, IdentityIsTheIrnn) {
  const RecurrentOptions options{.cell = CellKind::RnnRelu, .input_size = 3, .hidden_size = 4, .num_layers = 2};
  Recurrent<double> layer = initialised(options, {.recurrent = RecurrentInitKind::Identity});
  for (const std::string suffix : {"_l0", "_l1"}) {
    const Tensor<double>& w = layer.parameter("weight_hh" + suffix).value;
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(w[i * 4 + j], i == j ? 1.0 : 0.0);
    for (const std::string bias : {"bias_ih", "bias_hh"})
      for (double v : layer.parameter(bias + suffix).value.values()) EXPECT_EQ(v, 0.0);
  }
}

TEST(RecurrentInit, ForgetBiasLandsInTheForgetSliceOfBiasIh) {
  const RecurrentOptions options = lstm_stack();
  const int64_t H = options.hidden_size;
  Recurrent<double> layer = initialised(options, {.forget_bias = 1.0});
  Recurrent<double> plain = initialised(options, {});
  for (const std::string suffix : {"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
    const Tensor<double>& b = layer.parameter("bias_ih" + suffix).value;
    const Tensor<double>& p = plain.parameter("bias_ih" + suffix).value;
    for (int64_t j = 0; j < 4 * H; ++j)  // gates i, f, g, o: f is [H, 2H)
      EXPECT_NEAR(b[j] - p[j], j >= H && j < 2 * H ? 1.0 : 0.0, 1e-15) << suffix << " " << j;
    const Tensor<double>& hh = layer.parameter("bias_hh" + suffix).value;
    const Tensor<double>& hh_plain = plain.parameter("bias_hh" + suffix).value;
    for (int64_t j = 0; j < 4 * H; ++j) EXPECT_EQ(hh[j], hh_plain[j]);
  }
}

TEST(RecurrentInit, UniformChangesNothingAndBadChoicesAreRefused) {
  Recurrent<double> layer = initialised(lstm_stack(), {});
  Rng rng(9);
  Recurrent<double> drawn(lstm_stack(), rng);
  auto a = layer.parameters(), b = drawn.parameters();
  for (size_t k = 0; k < a.size(); ++k)
    for (int64_t i = 0; i < a[k]->value.numel(); ++i) ASSERT_EQ(a[k]->value[i], b[k]->value[i]);

  Rng gru_rng(1);
  Recurrent<float> gru({.cell = CellKind::Gru, .input_size = 2, .hidden_size = 3}, gru_rng);
  try {
    initialise_recurrent(gru, {.forget_bias = 1.0}, gru_rng);
    FAIL() << "a forget bias on a GRU must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--forget-bias"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_recurrent_init("xavier"), std::invalid_argument);
}

TEST(RecurrentInit, SurvivesTheConfigurationJson) {
  LanguageModelConfig config{.cell = CellKind::Lstm, .vocab_size = 5, .hidden_size = 4, .num_layers = 1};
  config.init = {.recurrent = RecurrentInitKind::Orthogonal, .forget_bias = 1.0};
  const LanguageModelConfig back = LanguageModelConfig::from_json(config.to_json());
  EXPECT_EQ(back.init.recurrent, RecurrentInitKind::Orthogonal);
  EXPECT_EQ(back.init.forget_bias, 1.0);
  // A configuration from before these keys existed keeps the defaults.
  nlohmann::json old = config.to_json();
  old.erase("init");
  old.erase("forget_bias");
  EXPECT_TRUE(LanguageModelConfig::from_json(old).init.is_default());
}

TEST(RecurrentInit, TrainFlagsReachTheCheckpointAndAreCheckedByName) {
  const auto dir = testing::fresh_directory("recur_init_flags_");
  std::string text;
  for (int i = 0; i < 30; ++i) text += "abcabcabd\n";
  const std::string data = testing::write_file(dir / "text.txt", text).string();
  const std::string run = (dir / "run").string();
  const std::string common = " --hidden 6 --layers 1 --batch 2 --seq 8 --max-iters 2 --threads 1";
  const auto trained =
      testing::run_recur("train --data " + data + " --run " + run + common + " --init orthogonal --forget-bias 1");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const Checkpoint checkpoint = load_checkpoint(dir / "run" / "last.safetensors");
  EXPECT_EQ(checkpoint.model.at("config").at("init"), "orthogonal");
  EXPECT_EQ(checkpoint.model.at("config").at("forget_bias"), 1.0);
  // Resuming keeps them; giving them again is refused like any other setting.
  const auto again = testing::run_recur("train --resume " + run + " --init identity --max-iters 3");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("--init"), std::string::npos) << again.output;

  const auto bad = testing::run_recur("train --data " + data + " --run " + (dir / "bad").string() + common +
                                      " --init xavier");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--init"), std::string::npos) << bad.output;
  const auto gru = testing::run_recur("train --data " + data + " --run " + (dir / "gru").string() + common +
                                      " --cell gru --forget-bias 1");
  EXPECT_NE(gru.exit_code, 0);
  EXPECT_NE(gru.output.find("--forget-bias"), std::string::npos) << gru.output;
  EXPECT_EQ(gru.output.find("terminate called"), std::string::npos) << gru.output;
}

}  // namespace
}  // namespace recur
