// `recur gradients` against PyTorch's autograd (scripts/pytorch_gradient_flow.py):
// for small trained char models (tanh RNN, LSTM, GRU; two layers), the
// per-step norms ||dL/dh_k|| of every layer equal the norms of h_k.grad of
// the unrolled network, the W_hh spectra equal torch.linalg.svdvals, and the
// saturated-gate fractions equal those of the gates computed from the weights.
// Also: CSV and the --save files, a memory-task model, and refusals.
//
// The PyTorch parts are skipped when /usr/bin/python3 cannot import torch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "generated_text.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::quoted;
using testing::run_command;
using testing::run_recur;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recur_gradient_flow_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_text(const fs::path& dir) {
  const fs::path data = dir / "text.txt";
  const std::vector<std::string> words = {"to", "be", "or", "not", "that", "is", "the", "question,", "whether",
                                          "tis", "nobler", "in", "mind."};
  std::ofstream(data, std::ios::binary) << testing::word_salad(words, 300, 41, 8);
  return data;
}

fs::path train_char_model(const fs::path& dir, const fs::path& data, const std::string& cell) {
  const fs::path run = dir / cell;
  const CommandResult trained =
      run_recur("train --data " + data.string() + " --run " + run.string() + " --cell " + cell +
                " --embedding 5 --hidden 10 --layers 2 --batch 4 --seq 16 --max-iters 6 --eval-every 6 --lr 0.03 "
                "--threads 1");
  EXPECT_EQ(trained.exit_code, 0) << trained.output;
  return run / "last.safetensors";
}

TEST(GradientFlowPytorch, PerStepNormsSpectraAndSaturationMatchAutograd) {
  if (const std::string why = testing::torch_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const fs::path dir = fresh_dir("pytorch");
  const fs::path data = write_text(dir);
  const int64_t steps = 25, batch = 5;
  for (const std::string cell : {"rnn_tanh", "lstm", "gru"}) {
    SCOPED_TRACE(cell);
    const fs::path checkpoint = train_char_model(dir, data, cell);
    const std::string args = " --steps " + std::to_string(steps) + " --batch " + std::to_string(batch);
    const CommandResult ours = run_recur("gradients " + checkpoint.string() + " --data " + data.string() + args +
                                         " --singular-values 3 --json --threads 1");
    ASSERT_EQ(ours.exit_code, 0) << ours.output;
    const CommandResult theirs = testing::run_project_script(
        "pytorch_gradient_flow.py", quoted(checkpoint.string()) + " " + quoted(data.string()) + args);
    ASSERT_EQ(theirs.exit_code, 0) << theirs.output;
    const nlohmann::json a = nlohmann::json::parse(ours.output), b = nlohmann::json::parse(theirs.output);

    ASSERT_EQ(a.at("layers").size(), 2u);
    ASSERT_EQ(b.at("grad_norms").size(), 2u);
    for (size_t l = 0; l < 2; ++l) {
      const auto mine = a["layers"][l].at("grad_norms").get<std::vector<double>>();
      const auto ref = b["grad_norms"][l].get<std::vector<double>>();
      ASSERT_EQ(mine.size(), static_cast<size_t>(steps));
      ASSERT_EQ(ref.size(), static_cast<size_t>(steps));
      for (int64_t k = 0; k < steps; ++k)
        EXPECT_NEAR(mine[k], ref[k], 1e-4 * ref[k] + 1e-9) << "layer " << l << " distance " << k;
      // The figure is not flat: the gradient changes with the distance.
      EXPECT_NE(mine.front(), mine.back());
    }
    const auto& spectra = a.at("singular_values");
    ASSERT_EQ(spectra.size(), b.at("singular_values").size());
    for (size_t i = 0; i < spectra.size(); ++i) {
      const auto mine = spectra[i].at("values").get<std::vector<double>>();
      const auto ref = b["singular_values"][i].get<std::vector<double>>();
      ASSERT_EQ(mine.size(), ref.size());
      for (size_t j = 0; j < ref.size(); ++j) EXPECT_NEAR(mine[j], ref[j], 1e-5 * ref[0]) << "block " << i;
    }
    const auto& saturation = a.at("saturation");
    ASSERT_EQ(saturation.size(), b.at("saturation").size());
    for (size_t i = 0; i < saturation.size(); ++i) {
      EXPECT_EQ(saturation[i].at("gate"), b["saturation"][i].at("gate"));
      // A gate within float round-off of 0.1 or 0.9 could fall either side: one activation's worth.
      const double one = 1.0 / (steps * batch * 10);
      EXPECT_NEAR(saturation[i].at("low").get<double>(), b["saturation"][i].at("low").get<double>(), one + 1e-12);
      EXPECT_NEAR(saturation[i].at("high").get<double>(), b["saturation"][i].at("high").get<double>(), one + 1e-12);
    }
    EXPECT_EQ(saturation.empty(), cell == "rnn_tanh");
  }
}

TEST(GradientFlow, CsvSaveAndReport) {
  const fs::path dir = fresh_dir("csv");
  const fs::path data = write_text(dir);
  const fs::path checkpoint = train_char_model(dir, data, "lstm");
  const CommandResult csv = run_recur("gradients " + checkpoint.string() + " --data " + data.string() +
                                      " --steps 12 --batch 3 --save --svg " + (dir / "plot.svg").string());
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind("quantity,layer,direction,name,index,value\n", 0), 0u) << csv.output;
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'),
            1 + 2 * 12 + 2 * 4 * 3 + 2 * 3 * 2);  // header, norms, singular values, saturation
  EXPECT_NE(csv.output.find("saturated_high,1,,forget,"), std::string::npos);
  const fs::path run = checkpoint.parent_path();
  EXPECT_TRUE(fs::exists(run / "gradients.json"));
  EXPECT_TRUE(fs::exists(run / "gradients.svg"));
  std::ifstream svg(dir / "plot.svg");
  const std::string picture((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_NE(picture.find("data-series=\"layer 0\""), std::string::npos);
  EXPECT_NE(picture.find("data-series=\"layer 1\""), std::string::npos);
  const CommandResult report = run_recur("report " + run.string() + " --out " + (dir / "report.html").string());
  ASSERT_EQ(report.exit_code, 0) << report.output;
  std::ifstream page(dir / "report.html");
  const std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("Gradient flow"), std::string::npos);
}

TEST(GradientFlow, MemoryModelAndRefusals) {
  const fs::path dir = fresh_dir("memory");
  const fs::path run = dir / "echo";
  ASSERT_EQ(run_recur("memory train --task echo --length 7 --recall 1 --hidden 8 --max-iters 3 --eval-every 3 "
                      "--val-examples 8 --threads 1 --run " + run.string())
                .exit_code,
            0);
  const CommandResult flow = run_recur("gradients " + run.string() + " --batch 4 --json");
  ASSERT_EQ(flow.exit_code, 0) << flow.output;
  const nlohmann::json j = nlohmann::json::parse(flow.output);
  EXPECT_EQ(j.at("steps"), 7);
  EXPECT_EQ(j.at("layers")[0].at("grad_norms").size(), 7u);

  const fs::path data = write_text(dir);
  for (const auto& [args, flag] : std::vector<std::pair<std::string, std::string>>{
           {run.string() + " --data " + data.string(), "--data"},
           {run.string() + " --steps 5", "--steps"},
           {run.string() + " --batch 0", "--batch"},
           {(dir / "none").string(), (dir / "none").string()}}) {
    const CommandResult bad = run_recur("gradients " + args);
    EXPECT_NE(bad.exit_code, 0) << args;
    EXPECT_EQ(std::count(bad.output.begin(), bad.output.end(), '\n'), 1) << args << ": " << bad.output;
    EXPECT_NE(bad.output.find(flag), std::string::npos) << args << ": " << bad.output;
  }
}

}  // namespace
}  // namespace recur
