// The report of a run: the Trainer's after-evaluation hook, log.csv read back
// (including the logs of runs cut short), and a page that says what is
// missing instead of failing.
#include "recur/run_report.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "recur/char_lm_task.h"
#include "recur/trainer.h"
#include "recur/training_curves.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// A one-layer LSTM over a short text, trained for `iterations`, evaluating every 4.
std::unique_ptr<CharLanguageModelTask> small_task() {
  const std::string text =
      "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n"
      "The slings and arrows of outrageous fortune,\nOr to take arms against a sea of troubles\n";
  std::vector<char32_t> symbols(text.begin(), text.end());
  CharModel model;
  model.vocabulary = Vocabulary::of_text(symbols, TextUnit::CodePoint);
  Rng rng(4);
  model.model = std::make_unique<LanguageModel>(
      LanguageModelConfig{.cell = CellKind::Lstm, .vocab_size = model.vocabulary.size(), .hidden_size = 12,
                          .num_layers = 1},
      rng);
  const std::vector<int64_t> ids = model.vocabulary.encode(symbols);
  const auto split = static_cast<ptrdiff_t>(ids.size() * 8 / 10);
  CharCorpusSplit data{{ids.begin(), ids.begin() + split}, {ids.begin() + split, ids.end()}, {}, {}};
  data.source = {{"paths", nlohmann::json::array()}, {"unit", "codepoint"}};
  return std::make_unique<CharLanguageModelTask>(std::move(model), std::move(data), 2, 8);
}

TrainerOptions options_for(const fs::path& dir, int64_t iterations) {
  TrainerOptions o;
  o.run_dir = dir;
  o.schedule.base_lr = 0.01;
  o.max_iterations = iterations;
  o.epochs = 0;
  o.eval_every = 4;
  o.log_every = 1000;
  o.clip = 0.5;  // low, so that some steps are clipped
  return o;
}

TEST(RunReport, HookRunsAfterEachEvaluationWithItsRowWritten) {
  const fs::path dir = testing::fresh_directory("recur_run_report_hook_");
  auto task = small_task();
  Trainer trainer(*task, options_for(dir, 10));
  std::vector<double> validated_at;
  trainer.set_after_evaluation([&] {
    const TrainingCurves curves = TrainingCurves::read(dir / "log.csv");
    ASSERT_GT(curves.rows, 0u);
    EXPECT_TRUE(std::isfinite(curves.column("val_loss").back()));
    validated_at.push_back(curves.column("iteration").back());
    EXPECT_TRUE(fs::exists(dir / "last.safetensors"));
    throw std::runtime_error("a failing hook must not stop training");
  });
  const TrainingOutcome outcome = trainer.run();
  EXPECT_EQ(outcome.iterations, 10);
  // Evaluations at 4 and 8, and the final one at 10.
  EXPECT_EQ(validated_at, (std::vector<double>{4, 8, 10}));
}

TEST(RunReport, PageOfATrainedRun) {
  const fs::path dir = testing::fresh_directory("recur_run_report_page_");
  auto task = small_task();
  int64_t parameters = 0;
  for (const Parameter<float>* p : task->parameters()) parameters += p->value.numel();
  Trainer trainer(*task, options_for(dir, 12));
  trainer.set_after_evaluation([&] { write_run_report(dir, dir / "report.html"); });
  trainer.run();
  ASSERT_TRUE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "report.html.tmp"));
  const std::string html = testing::read_file(dir / "report.html");
  for (const char* heading : {"Run", "Learning curves", "Samples"})
    EXPECT_EQ(count_matches(html, std::string("<h2>") + heading + "</h2>"), 1u) << heading;
  EXPECT_NE(html.find("<td>parameters</td><td class=\"num\">" + std::to_string(parameters) + "</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>task</td><td>char_lm</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>optimizer</td><td>adam</td>"), std::string::npos);
  // Loss: four views (iterations / wall time, linear / log) of training,
  // smoothed and validation; then learning rate (1), gradient norm with the
  // clip threshold (2), tokens/s (1).
  EXPECT_EQ(count_matches(html, "data-expected-series=\"3\""), 4u);
  EXPECT_EQ(count_matches(html, "data-expected-series=\"2\""), 1u);
  EXPECT_EQ(count_matches(html, "data-expected-series=\"1\""), 2u);
  EXPECT_EQ(count_matches(html, "class=\"series\" data-series=\"validation\""), 4u);
  EXPECT_EQ(count_matches(html, "data-events=\"steps clipped since the last row\""), 1u);
  EXPECT_EQ(count_matches(html, "<pre>"), 3u);  // three temperatures
  EXPECT_EQ(html.find("Note:"), std::string::npos) << "a complete run has nothing missing";
}

TEST(RunReport, MissingAndTruncatedFilesAreSaidNotThrown) {
  const fs::path empty = testing::fresh_directory("recur_run_report_empty_");
  const std::string bare = run_report(empty).html();
  EXPECT_NE(bare.find("log.csv is missing"), std::string::npos);
  EXPECT_NE(bare.find("No last.safetensors"), std::string::npos);

  const fs::path dir = testing::fresh_directory("recur_run_report_truncated_");
  auto task = small_task();
  Trainer(*task, options_for(dir, 8)).run();
  std::string log = testing::read_file(dir / "log.csv");
  testing::write_file(dir / "log.csv", log.substr(0, log.size() - 12));  // the last row cut mid-way
  const std::string html = run_report(dir).html();
  EXPECT_NE(html.find("is cut short"), std::string::npos);
  EXPECT_NE(html.find("<h2>Samples</h2>"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"training\""), std::string::npos);

  testing::write_file(dir / "last.safetensors", "not a checkpoint");
  EXPECT_NE(run_report(dir).html().find("Note: "), std::string::npos);
  EXPECT_THROW(run_report(dir / "log.csv"), std::invalid_argument);
}

TEST(TrainingCurves, ColumnsByNameOlderLogsAndBadLines) {
  const fs::path dir = testing::fresh_directory("recur_training_curves_");
  // An older log (no clipped_steps), a validation gap, a bad number, a short row.
  testing::write_file(dir / "log.csv",
                      "iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,tokens_per_s,"
                      "elapsed_s\n"
                      "1,0.1,10,0.002,4.0,4.0,,1.5,100,0.5\n"
                      "2,0.2,20,0.002,3.5,3.9,3.7,1.2,110,1.0\n"
                      "3,0.3,30,0.002,x,3.8,,1.1,120,1.5\n"
                      "4,0.4,40,0.002,3.0,3.7\n");
  const TrainingCurves curves = TrainingCurves::read(dir / "log.csv");
  ASSERT_EQ(curves.rows, 3u);
  EXPECT_EQ(curves.column("iteration"), (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(curves.column("loss"), (std::vector<double>{4.0, 3.5, 3.0}));
  EXPECT_TRUE(std::isnan(curves.column("val_loss")[0]));
  EXPECT_EQ(curves.column("val_loss")[1], 3.7);
  EXPECT_TRUE(std::isnan(curves.column("grad_norm")[2]));  // the short row's missing fields
  EXPECT_FALSE(curves.has("clipped_steps"));
  EXPECT_TRUE(std::isnan(curves.column("clipped_steps")[0]));
  ASSERT_EQ(curves.problems.size(), 1u);
  EXPECT_NE(curves.problems[0].find("log.csv:4: loss is not a number ('x')"), std::string::npos)
      << curves.problems[0];

  testing::write_file(dir / "empty.csv", "");
  EXPECT_NE(TrainingCurves::read(dir / "empty.csv").problems.at(0).find("is empty"), std::string::npos);
  testing::write_file(dir / "other.csv", "a,b\n1,2\n");
  EXPECT_NE(TrainingCurves::read(dir / "other.csv").problems.at(0).find("no 'iteration' column"), std::string::npos);
}

TEST(ReportSections, TasksAddTheirOwnSections) {
  const size_t shared = report_sections("").size();
  EXPECT_EQ(report_sections("char_lm").size(), shared + 1);
  EXPECT_EQ(report_sections("toy_task").size(), shared);
  register_report_section("toy_task", [](HtmlPage& page, const ReportContext&) { page.section("Toy"); });
  EXPECT_EQ(report_sections("toy_task").size(), shared + 1);
  EXPECT_EQ(report_sections("char_lm").size(), shared + 1);
}

}  // namespace
}  // namespace recur
