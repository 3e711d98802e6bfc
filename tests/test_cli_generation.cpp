// `recur seq2seq` and `recur caption` through the command line: a small
// train / eval / translate (generate) run of each on data a model must learn,
// resume, and every bad input of the issue: one line naming file and line (or
// the flag), exit status 1, nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "recur/checkpoint.h"
#include "generation_files.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::caption_jsonl;
using testing::eval_json;
using testing::quoted;
using testing::run_recur;
using testing::spelling_tsv;
using testing::write_file;

const char* const kQuick = testing::kQuickGeneration;

TEST(CliSeq2seq, TrainEvalTranslateAndResume) {
  const fs::path dir = testing::fresh_directory_for_test("recur_seq2seq_");
  const fs::path data = write_file(dir / "g2p.tsv", spelling_tsv());
  for (const std::string attention : {"none", "additive"}) {
    const fs::path run = dir / ("run_" + attention);
    auto r = run_recur("seq2seq train --data " + quoted(data.string()) + " --dev " + quoted(data.string()) +
                       " --target-tokens word --bidirectional --attention " + attention + " --max-iters 400 --batch 4 --run " +
                       quoted(run.string()) + kQuick);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("dev exact match"), std::string::npos) << r.output;
    const nlohmann::json greedy = eval_json("seq2seq eval " + quoted(run.string()) + " --data " + quoted(data.string()));
    EXPECT_GE(greedy["exact_match"].get<double>(), 0.9) << greedy.dump();
    const nlohmann::json beam =
        eval_json("seq2seq eval " + quoted(run.string()) + " --beam 3 --data " + quoted(data.string()));
    EXPECT_GE(beam["exact_match"].get<double>(), 0.9) << beam.dump();
    // Translate: one line out per line in; an unseen source character is said once on stderr.
    const fs::path input = write_file(dir / "in.txt", "cab\nabz\n");
    r = run_recur("seq2seq translate " + quoted(run.string()) + " " + quoted(input.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("C1 A1 B1\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("1 source token unseen in training"), std::string::npos) << r.output;
    r = run_recur("seq2seq translate " + quoted(run.string()) + " --beam 2 --json " + quoted(input.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json first = nlohmann::json::parse(r.output.substr(r.output.find('{'), r.output.find('\n', r.output.find('{')) - r.output.find('{')));
    EXPECT_EQ(first["text"], "C1 A1 B1");
    EXPECT_EQ(first["beams"].size(), 2u);
  }
  // Resume to more iterations.
  const fs::path run = dir / "run_none";
  const auto r = run_recur("seq2seq train --resume " + quoted(run.string()) + " --max-iters 450");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// --monitor exact_match: best.safetensors is the checkpoint whose greedy dev
// exact match was highest, and the figure it records is what eval gives for it.
TEST(CliSeq2seq, MonitorPicksTheBestCheckpointByDevExactMatch) {
  const fs::path dir = testing::fresh_directory_for_test("recur_seq2seq_monitor_");
  const fs::path data = write_file(dir / "g2p.tsv", spelling_tsv());
  const fs::path run = dir / "run";
  const auto r = run_recur("seq2seq train --data " + quoted(data.string()) + " --dev " + quoted(data.string()) +
                           " --target-tokens word --monitor exact_match --max-iters 300 --batch 4 --run " +
                           quoted(run.string()) + kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" | exact_match "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" (best) | "), std::string::npos) << r.output;
  const Checkpoint best = load_checkpoint(run / "best.safetensors");
  EXPECT_EQ(best.training.at("trainer").at("monitor"), "exact_match");
  const nlohmann::json scored =
      eval_json("seq2seq eval " + quoted((run / "best.safetensors").string()) + " --data " + quoted(data.string()));
  EXPECT_DOUBLE_EQ(best.training.at("best_monitored").get<double>(), scored["exact_match"].get<double>());
  EXPECT_GT(scored["exact_match"].get<double>(), 0.0);
  // Its learning curve: log.csv's val_monitored at the three evaluations, a figure of the report.
  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --threads 1").exit_code, 0);
  const std::string html = testing::read_file(run / "report.html");
  EXPECT_NE(html.find("validation exact_match"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"exact_match\""), std::string::npos);
  EXPECT_NE(html.find("<td>best exact_match</td>"), std::string::npos);

  // A checkpoint whose recorded monitor is not the task's: the file is at fault, not a flag.
  Checkpoint tampered = load_checkpoint(run / "last.safetensors");
  tampered.training["trainer"]["monitor"] = "nonsense";
  fs::create_directories(dir / "tampered");
  save_checkpoint(dir / "tampered" / "last.safetensors", tampered);
  const auto resumed = run_recur("seq2seq train --resume " + quoted((dir / "tampered").string()) + " --max-iters 310");
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output;
  EXPECT_NE(resumed.output.find("last.safetensors: its training settings (recur.training trainer) are not valid: "
                                "'nonsense' is not a validation figure"),
            std::string::npos)
      << resumed.output;
  EXPECT_EQ(resumed.output.find("--monitor"), std::string::npos) << resumed.output;
}

TEST(CliSeq2seq, BadInputIsOneLineExitOneNothingWritten) {
  const fs::path dir = testing::fresh_directory_for_test("recur_seq2seq_bad_");
  const fs::path good = write_file(dir / "good.tsv", spelling_tsv());
  auto expect_refused = [&](const std::string& arguments, const std::string& message, const fs::path& run) {
    const auto r = run_recur(arguments);
    EXPECT_EQ(r.exit_code, 1) << arguments << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    if (!run.empty()) {
      EXPECT_FALSE(fs::exists(run)) << run;
    }
  };
  const fs::path run = dir / "run";
  const fs::path no_tab = write_file(dir / "no_tab.tsv", "ab\tA1 B1\nabc A1\n");
  expect_refused("seq2seq train --data " + quoted(no_tab.string()) + " --run " + quoted(run.string()),
                 no_tab.string() + ":2: no tab", run);
  const fs::path empty_side = write_file(dir / "empty.tsv", "ab\tA1 B1\nabc\t \n");
  expect_refused("seq2seq train --data " + quoted(empty_side.string()) + " --run " + quoted(run.string()),
                 empty_side.string() + ":2:5: empty target", run);
  expect_refused("seq2seq train --data " + quoted(good.string()) + " --dev " + quoted(good.string()) +
                     " --monitor accuracy --run " + quoted(run.string()),
                 "--monitor: 'accuracy' is not a validation figure of this task (it has loss, exact_match, "
                 "token_error_rate, token_accuracy, bleu)", run);
  ASSERT_EQ(run_recur("seq2seq train --data " + quoted(good.string()) + " --max-iters 5 --run " + quoted(run.string()) +
                      kQuick).exit_code, 0);
  expect_refused("seq2seq translate " + quoted(run.string()) + " --beam 0 " + quoted(good.string()), "--beam", {});
  expect_refused("seq2seq eval " + quoted(run.string()) + " --data " + quoted(no_tab.string()),
                 no_tab.string() + ":2: no tab", {});
  // A checkpoint of another task, both ways.
  const fs::path captions = write_file(dir / "c.jsonl", caption_jsonl());
  const fs::path caption_run = dir / "caption_run";
  ASSERT_EQ(run_recur("caption train --data " + quoted(captions.string()) + " --max-iters 5 --run " +
                      quoted(caption_run.string()) + kQuick).exit_code, 0);
  expect_refused("seq2seq translate " + quoted(caption_run.string()) + " " + quoted(good.string()), "caption", {});
  expect_refused("caption eval " + quoted(run.string()) + " --data " + quoted(captions.string()), "seq2seq", {});
}

TEST(CliCaption, TrainEvalGenerateAndBadInput) {
  const fs::path dir = testing::fresh_directory_for_test("recur_caption_");
  const fs::path data = write_file(dir / "c.jsonl", caption_jsonl());
  const fs::path run = dir / "run";
  auto r = run_recur("caption train --data " + quoted(data.string()) + " --dev " + quoted(data.string()) +
                     " --conditioning both --max-iters 300 --batch 8 --run " + quoted(run.string()) + kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json scores = eval_json("caption eval " + quoted(run.string()) + " --data " + quoted(data.string()));
  EXPECT_GE(scores["exact_match"].get<double>(), 0.9) << scores.dump();
  EXPECT_GE(scores["bleu"].get<double>(), 0.0);
  const fs::path input = write_file(dir / "in.jsonl", "{\"vector\": [0, 1.1, 0, 0]}\n{\"vector\": [0, 0, 0, 1]}\n");
  r = run_recur("caption generate " + quoted(run.string()) + " " + quoted(input.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "one two\nthree one\n");
  // Bad input: one line naming file and line, exit 1, no run written.
  const fs::path bad_run = dir / "bad_run";
  const std::string good_line = "{\"vector\": [1, 0, 0, 0], \"text\": \"zero\"}\n";
  for (const auto& [bytes, message] : std::vector<std::pair<std::string, std::string>>{
           {good_line + "vector\n", ":2: not JSON"},
           {good_line + "{\"vector\": [1, 0], \"text\": \"zero\"}\n", ":2: a vector of width 2"},
           {good_line + "{\"vector\": [1, 0, null, 0], \"text\": \"zero\"}\n", ":2: \"vector\" entry 2"},
           {good_line + "{\"vector\": [1, 0, 0, 0]}\n", ":2: missing \"text\""}}) {
    const fs::path file = write_file(dir / "bad.jsonl", bytes);
    r = run_recur("caption train --data " + quoted(file.string()) + " --run " + quoted(bad_run.string()));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(file.string() + message), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(bad_run));
  }
  const fs::path wide = write_file(dir / "wide.jsonl", "{\"vector\": [1, 0, 0]}\n");
  r = run_recur("caption generate " + quoted(run.string()) + " " + quoted(wide.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(wide.string() + ":1: a vector of width 3, expected 4"), std::string::npos) << r.output;
  r = run_recur("caption generate " + quoted(run.string()) + " --beam 0 " + quoted(input.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--beam"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace recur
