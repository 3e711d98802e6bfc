// MUT1-3 beyond the gradient checks and PyTorch fixtures (test_recurrent_gradients.cpp,
// tests/fixtures/mut*): the width rule of MUT1 and MUT2 (an error naming both
// widths), the first layer every model gives them, and `recur train --cell mut1`
// end to end: it trains, saves its named parameters, samples and evaluates.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "command_runner.h"
#include "gradient_check.h"
#include "recur/checkpoint.h"
#include "recur/forecast_model.h"
#include "recur/recurrent.h"
#include "recur/sequence_model.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::run_recur;

std::string construction_error(const RecurrentOptions& options) {
  Rng rng(1);
  try {
    Recurrent<float> layer(options, rng);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MutCells, InputWidthMustEqualHiddenWidthForMut1AndMut2) {
  for (CellKind cell : {CellKind::Mut1, CellKind::Mut2}) {
    const std::string message = construction_error({.cell = cell, .input_size = 3, .hidden_size = 7});
    EXPECT_NE(message.find(cell_name(cell)), std::string::npos) << message;
    EXPECT_NE(message.find("input width (3)"), std::string::npos) << message;
    EXPECT_NE(message.find("hidden width (7)"), std::string::npos) << message;
    // A bidirectional stack feeds layer 1 with 2H.
    const std::string stacked = construction_error(
        {.cell = cell, .input_size = 7, .hidden_size = 7, .num_layers = 2, .bidirectional = true});
    EXPECT_NE(stacked.find("(14, both directions)"), std::string::npos) << stacked;
    EXPECT_EQ(construction_error({.cell = cell, .input_size = 7, .hidden_size = 7, .num_layers = 2}), "");
    EXPECT_EQ(construction_error({.cell = cell, .input_size = 7, .hidden_size = 7, .bidirectional = true}), "");
  }
  // MUT3 sends all of its input through W_ih.
  EXPECT_EQ(construction_error({.cell = CellKind::Mut3, .input_size = 3, .hidden_size = 7, .num_layers = 2,
                                .bidirectional = true}),
            "");
}

TEST(MutCells, NamesParseAndParametersHaveTheirShapes) {
  EXPECT_EQ(parse_cell("mut1"), CellKind::Mut1);
  EXPECT_EQ(cell_name(CellKind::Mut3), "mut3");
  EXPECT_NE(known_cell_names().find("mut2"), std::string::npos);
  const int64_t H = 5;
  Rng rng(2);
  Recurrent<float> mut1({.cell = CellKind::Mut1, .input_size = H, .hidden_size = H}, rng);
  EXPECT_EQ(mut1.parameter("weight_ih_l0").value.shape(), (Shape{2 * H, H}));  // W_xz, W_xr
  EXPECT_EQ(mut1.parameter("weight_hh_l0").value.shape(), (Shape{2 * H, H}));  // W_hr, W_hh
  Recurrent<float> mut2({.cell = CellKind::Mut2, .input_size = H, .hidden_size = H}, rng);
  EXPECT_EQ(mut2.parameter("weight_ih_l0").value.shape(), (Shape{2 * H, H}));  // W_xh, W_xz
  EXPECT_EQ(mut2.parameter("bias_hh_l0").value.shape(), (Shape{3 * H}));       // h, z, r
  Recurrent<float> mut3({.cell = CellKind::Mut3, .input_size = 2, .hidden_size = H}, rng);
  EXPECT_EQ(mut3.parameter("weight_ih_l0").value.shape(), (Shape{3 * H, 2}));
}

// A classifier of frames 3 wide, pooled by the mean over valid steps.
SequenceModelConfig frame_classifier(CellKind cell, int64_t hidden, int64_t layers) {
  SequenceModelConfig config;
  config.input.kind = InputKind::Frames;
  config.input.frame_width = 3;
  config.cell = cell;
  config.hidden_size = hidden;
  config.num_layers = layers;
  config.bidirectional = false;
  config.pooling = PoolingMode::Mean;
  config.classes = 2;
  return config;
}

// Models whose input width is fixed by their data project it to the hidden width.
TEST(MutCells, SequenceAndForecastModelsProjectTheirInput) {
  Rng rng(3);
  SequenceModel<float> classifier(frame_classifier(CellKind::Mut2, 6, 1), rng);
  bool found = false;
  for (Parameter<float>* p : classifier.parameters())
    if (p->name == "projection.weight") found = (p->value.shape() == Shape{6, 3});
  EXPECT_TRUE(found);
  EXPECT_EQ(classifier.recurrent().options().input_size, 6);

  ForecastModelConfig forecast;
  forecast.cell = CellKind::Mut1;
  forecast.input_size = 2;
  forecast.hidden_size = 4;
  ForecastModel<double> forecaster(forecast, rng);
  EXPECT_EQ(forecaster.parameters().front()->name, "projection.weight");
  const Tensor<double> inputs({5, 3, 2});
  const Tensor<double> targets({3, 1, 1});
  EXPECT_NO_THROW(forecaster.forward(inputs, {}, targets, false, nullptr));
  // No projection where none is needed: the other cells' models are as before.
  forecast.cell = CellKind::Lstm;
  ForecastModel<double> lstm(forecast, rng);
  EXPECT_EQ(lstm.parameters().front()->name, "rnn.weight_ih_l0");
}

// The projection's and the stack's gradients through a whole classifier, in double.
TEST(MutCells, ProjectedClassifierMatchesCentralDifferences) {
  Rng rng(4);
  SequenceModel<double> model(frame_classifier(CellKind::Mut1, 4, 2), rng);
  SequenceBatch batch;
  batch.layout = {.steps = 4, .batch = 2, .examples = {0, 1}, .lengths = {4, 2}};
  batch.frames = Tensor<float>({4, 2, 3});
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t f = 0; f < 3; ++f)
        if (t < batch.layout.lengths[b]) batch.frames[(t * 2 + b) * 3 + f] = float(rng.uniform(-1, 1));
  const Tensor<double> weights = testing::random_tensor<Rng>({2, 2}, rng);
  auto loss = [&] { return testing::dot(model.forward(batch, false, nullptr), weights); };
  loss();
  zero_grad(model.parameters());
  model.backward(weights);
  for (Parameter<double>* p : model.parameters())
    EXPECT_LT(testing::relative_error(p->grad, testing::numeric_gradient(p->value, loss)), 1e-6) << p->name;
}

TEST(MutCells, TrainSampleAndEvalEndToEnd) {
  const fs::path dir = testing::fresh_directory("recur_mut_train_");
  std::string text;
  for (int i = 0; i < 30; ++i) text += "the quick brown fox jumps over the lazy dog\n";
  const std::string data = testing::write_file(dir / "text.txt", text).string();
  const std::string run = (dir / "run").string();
  const auto trained = run_recur("train --data " + data + " --run " + run +
                                 " --cell mut1 --hidden 8 --layers 2 --batch 4 --seq 10 --max-iters 20 "
                                 "--eval-every 10 --threads 1");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const Checkpoint checkpoint = load_checkpoint(fs::path(run) / "last.safetensors");
  EXPECT_EQ(checkpoint.model.at("config").at("cell"), "mut1");
  // The embedding is made --hidden wide, which MUT1 needs.
  EXPECT_EQ(checkpoint.tensor("embedding.weight").dim(1), 8);
  EXPECT_EQ(checkpoint.tensor("rnn.weight_ih_l1").shape(), (Shape{16, 8}));
  EXPECT_EQ(checkpoint.tensor("rnn.weight_hh_l1").shape(), (Shape{16, 8}));
  const auto sampled = run_recur("sample " + run + " --length 20 --seed 1 --threads 1");
  EXPECT_EQ(sampled.exit_code, 0) << sampled.output;
  const auto evaluated = run_recur("eval " + run + " --split validation --threads 1");
  EXPECT_EQ(evaluated.exit_code, 0) << evaluated.output;

  // An embedding of another width is refused, naming both widths.
  const auto refused = run_recur("train --data " + data + " --run " + (dir / "other").string() +
                                 " --cell mut2 --hidden 8 --embedding 5 --max-iters 2");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("input width (5)"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("hidden width (8)"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("terminate called"), std::string::npos) << refused.output;
}

// classify, tag and forecast take the MUT cells as well (their inputs projected).
TEST(MutCells, EveryCommandWithACellTakesThem) {
  const fs::path dir = testing::fresh_directory("recur_mut_commands_");
  std::string sentences, tagged, series = "y,x\n";
  for (int i = 0; i < 20; ++i) {
    sentences += i % 2 ? "a fine good film\t1\n" : "a dull bad film\t0\n";
    tagged += "the\tDET\ncat\tNOUN\nsat\tVERB\n\n";
  }
  for (int t = 0; t < 80; ++t) series += std::to_string(t % 7) + "," + std::to_string(t % 3) + "\n";
  const std::string common = " --hidden 6 --max-iters 3 --eval-every 3 --threads 1 --run ";
  const auto classified = run_recur("classify train --data " +
                                    testing::write_file(dir / "c.tsv", sentences).string() +
                                    " --cell mut1 --word-embedding 5" + common + (dir / "c").string());
  EXPECT_EQ(classified.exit_code, 0) << classified.output;
  const std::string tags = testing::write_file(dir / "t.tsv", tagged).string();
  const auto tagger = run_recur("tag train --data " + tags + " --cell mut2" + common + (dir / "t").string());
  EXPECT_EQ(tagger.exit_code, 0) << tagger.output;
  // tag is bidirectional: a second MUT2 layer would read 2 x 6 and is refused, naming the widths.
  const auto stacked =
      run_recur("tag train --data " + tags + " --cell mut2 --layers 2" + common + (dir / "t2").string());
  EXPECT_NE(stacked.exit_code, 0);
  EXPECT_NE(stacked.output.find("(12, both directions)"), std::string::npos) << stacked.output;
  EXPECT_EQ(stacked.output.find("terminate called"), std::string::npos) << stacked.output;
  const auto forecast = run_recur("forecast train --data " + testing::write_file(dir / "s.csv", series).string() +
                                  " --target y --lookback 6 --cell mut1" + common + (dir / "f").string());
  EXPECT_EQ(forecast.exit_code, 0) << forecast.output;
  const auto evaluated = run_recur("forecast eval " + (dir / "f").string() + " --threads 1");
  EXPECT_EQ(evaluated.exit_code, 0) << evaluated.output;
}

}  // namespace
}  // namespace recur
