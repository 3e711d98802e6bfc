// recur report, recur train --report and recur visualize, run as a user runs
// them: the page is written where it is said to be, --report may be given
// again on --resume, the report's samples are what `recur sample` prints, and
// bad input gives a one-line error naming the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "command_runner.h"
#include "generated_text.h"
#include "recur/svg_plot.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::run_recur;

class CliReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::fresh_directory("recur_cli_report_");
    const std::vector<std::string> words = {"the", "(cat)", "sat", "on", "\"a\"", "mat", "and", "then", "it", "ran"};
    data_ = testing::write_file(dir_ / "text.txt", testing::word_salad(words, 600, 7, 9));
    run_ = dir_ / "run";
    const auto trained = run_recur("train --data " + data_.string() + " --run " + run_.string() +
                                   " --hidden 12 --layers 1 --batch 4 --seq 16 --max-iters 20 --eval-every 10"
                                   " --threads 1 --report");
    output_ = trained.output;
    trained_ = trained.exit_code == 0;
  }
  void SetUp() override { ASSERT_TRUE(trained_) << output_; }

  static inline fs::path dir_, data_, run_;
  static inline std::string output_;
  static inline bool trained_ = false;
};

TEST_F(CliReport, TrainWritesTheReportAndResumeMayAskForIt) {
  ASSERT_TRUE(fs::exists(run_ / "report.html")) << output_;
  EXPECT_NE(output_.find("report " + (run_ / "report.html").string()), std::string::npos) << output_;
  const auto before = fs::last_write_time(run_ / "report.html");
  const auto resumed = run_recur("train --resume " + run_.string() + " --max-iters 30 --report --threads 1");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_GT(fs::last_write_time(run_ / "report.html"), before);
  const std::string html = testing::read_file(run_ / "report.html");
  EXPECT_NE(html.find("<td>iteration</td><td class=\"num\">30</td>"), std::string::npos);
}

TEST_F(CliReport, ReportSamplesAreWhatSamplePrints) {
  const fs::path out = dir_ / "page.html";
  const auto made = run_recur("report " + run_.string() + " --out " + out.string() +
                              " --temperatures 0.7 --sample-length 120 --seed 9 --threads 1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto sampled = run_recur("sample " + run_.string() + " --temperature 0.7 --length 120 --seed 9 --threads 1");
  ASSERT_EQ(sampled.exit_code, 0) << sampled.output;
  const std::string html = testing::read_file(out);
  EXPECT_NE(html.find("<pre>" + escape_xml(sampled.output) + "</pre>"), std::string::npos) << sampled.output;
}

TEST_F(CliReport, BadTargetsAreNamed) {
  const auto file = run_recur("report " + (run_ / "last.safetensors").string());
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_NE(file.output.find("is a file; give the run folder"), std::string::npos) << file.output;
  const auto missing = run_recur("report " + (dir_ / "nowhere").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("nowhere is not a run folder"), std::string::npos) << missing.output;
  // A folder with only a truncated log still gets a page.
  fs::create_directories(dir_ / "young");
  testing::write_file(dir_ / "young" / "log.csv", "iteration,epoch,tok");
  const auto young = run_recur("report " + (dir_ / "young").string());
  EXPECT_EQ(young.exit_code, 0) << young.output;
  EXPECT_NE(testing::read_file(dir_ / "young" / "report.html").find("header is cut short"), std::string::npos);
}

TEST_F(CliReport, VisualizeListsUnitsAndWritesThePage) {
  const fs::path out = dir_ / "vis.html";
  const auto made = run_recur("visualize " + run_.string() + " --text " + data_.string() + " --out " + out.string() +
                              " --max-chars 300 --top 3 --threads 1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  for (const char* feature : {"inside quotes", "bracket depth", "position in line", "inside a word"})
    EXPECT_NE(made.output.find(feature), std::string::npos) << made.output;
  EXPECT_NE(made.output.find("L0 c "), std::string::npos) << made.output;
  EXPECT_NE(testing::read_file(out).find("the first 300 of its"), std::string::npos);

  const fs::path bad = testing::write_file(dir_ / "bad.txt", "the cat\nsat Zon");
  const auto refused = run_recur("visualize " + run_.string() + " --text " + bad.string());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("bad.txt:2:5: 'Z' (U+005A), character 13 of the text, is not in the model's"),
            std::string::npos)
      << refused.output;
}

}  // namespace
}  // namespace recur
