// `recur seq2seq` and `recur caption` through the command line: a small
// train / eval / translate (generate) run of each on data a model must learn,
// resume, and every bad input of the issue: one line naming file and line (or
// the flag), exit status 1, nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::quoted;
using testing::read_file;
using testing::run_recur;
using testing::write_file;

const char* kQuick = " --epochs 0 --threads 1 --hidden 32 --embedding 16 --eval-every 100 --lr 0.01 --dropout 0 --seed 3";

// Spelling -> "pronunciation": each letter a word-token of its own, doubled
// letters one token (a tiny grapheme-to-phoneme).
std::string spelling_tsv() {
  const std::vector<std::string> words = {"ab", "ba", "abc", "cab", "bca", "aab", "bba", "cc", "acb", "bac", "ca", "cb"};
  std::string out;
  for (const std::string& w : words) {
    std::string target;
    for (size_t i = 0; i < w.size(); ++i) {
      if (i > 0 && w[i] == w[i - 1]) continue;
      target += (target.empty() ? "" : " ") + std::string(1, static_cast<char>(w[i] - 'a' + 'A')) + "1";
    }
    out += w + "\t" + target + "\n";
  }
  return out;
}

// Vectors with one hot entry of four; the caption names it.
std::string caption_jsonl() {
  const std::vector<std::string> names = {"zero", "one two", "two", "three one"};
  std::string out;
  for (int i = 0; i < 24; ++i) {
    nlohmann::json v = nlohmann::json::array();
    for (int j = 0; j < 4; ++j) v.push_back(j == i % 4 ? 1.0 + 0.1 * (i % 3) : 0.05 * ((i + j) % 3));
    out += nlohmann::json{{"vector", v}, {"text", names[static_cast<size_t>(i % 4)]}}.dump() + "\n";
  }
  return out;
}

nlohmann::json eval_json(const std::string& arguments) {
  const auto r = run_recur(arguments + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return nlohmann::json::parse(r.output.substr(r.output.rfind('{')));
}

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

TEST(CliSeq2seq, BadInputIsOneLineExitOneNothingWritten) {
  const fs::path dir = testing::fresh_directory_for_test("recur_seq2seq_bad_");
  const fs::path good = write_file(dir / "good.tsv", spelling_tsv());
  auto expect_refused = [&](const std::string& arguments, const std::string& message, const fs::path& run) {
    const auto r = run_recur(arguments);
    EXPECT_EQ(r.exit_code, 1) << arguments << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    if (!run.empty()) EXPECT_FALSE(fs::exists(run)) << run;
  };
  const fs::path run = dir / "run";
  const fs::path no_tab = write_file(dir / "no_tab.tsv", "ab\tA1 B1\nabc A1\n");
  expect_refused("seq2seq train --data " + quoted(no_tab.string()) + " --run " + quoted(run.string()),
                 no_tab.string() + ":2: no tab", run);
  const fs::path empty_side = write_file(dir / "empty.tsv", "ab\tA1 B1\nabc\t \n");
  expect_refused("seq2seq train --data " + quoted(empty_side.string()) + " --run " + quoted(run.string()),
                 empty_side.string() + ":2:5: empty target", run);
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

// The figures rows of the report's table, as eval --json gives them.
void expect_eval_figures(const std::string& page, const nlohmann::json& eval, bool bleu) {
  const int64_t outputs = eval["outputs"].get<int64_t>();
  const double exact = eval["exact_match"].get<double>();
  EXPECT_NE(page.find(fmt::format("<td>exact match</td><td class=\"num\">{:.4f}</td><td>{} of {} outputs</td>", exact,
                                  std::lround(exact * static_cast<double>(outputs)), outputs)),
            std::string::npos) << eval.dump();
  EXPECT_NE(page.find(fmt::format("<td>token error rate</td><td class=\"num\">{:.4f}</td><td>{} edits / {} reference "
                                  "tokens</td>",
                                  eval["token_error_rate"].get<double>(), eval["edits"].get<int64_t>(),
                                  eval["reference_tokens"].get<int64_t>())),
            std::string::npos) << eval.dump();
  EXPECT_NE(page.find(fmt::format("<td>token accuracy</td><td class=\"num\">{:.4f}</td>",
                                  eval["token_accuracy"].get<double>())), std::string::npos) << eval.dump();
  EXPECT_EQ(page.find(fmt::format("<td>BLEU</td><td class=\"num\">{:.4f}</td>", eval["bleu"].get<double>())) !=
                std::string::npos, bleu) << eval.dump();
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The report of a seq2seq run: written during training by --report; its dev
// figures are eval --json's on the same examples (all of them, and the first
// few with --examples); every example a row with its errors marked, the
// files' text escaped; a dev file gone is said, not a crash.
TEST(CliGenerationReport, Seq2seqPageShowsEvalsFiguresAndMarkedOutputs) {
  const fs::path dir = testing::fresh_directory_for_test("recur_seq2seq_report_");
  const fs::path train = write_file(dir / "g2p.tsv", spelling_tsv());
  // A source with a character never seen and a target with words never seen
  // (read as <unk>: always wrong), and a second reference for "ab" at the end.
  const std::string extra = "a<b\tA1 &amp; B1\nab\tB1 A1 C1\n";
  const fs::path dev = write_file(dir / "dev.tsv", spelling_tsv() + extra);
  const fs::path run = dir / "run";
  const auto trained = run_recur("seq2seq train --data " + quoted(train.string()) + " --dev " + quoted(dev.string()) +
                                 " --target-tokens word --max-iters 150 --batch 4 --report --run " +
                                 quoted(run.string()) + kQuick);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const fs::path page_path = run / "report.html";
  ASSERT_TRUE(fs::exists(page_path)) << "--report wrote no page";
  EXPECT_NE(read_file(page_path).find("Outputs on the dev set"), std::string::npos);

  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --threads 1").exit_code, 0);
  const std::string page = read_file(page_path);
  const nlohmann::json all = eval_json("seq2seq eval " + quoted(run.string()) + " --data " + quoted(dev.string()));
  EXPECT_EQ(all["outputs"], 13);
  expect_eval_figures(page, all, true);
  const std::string table = page.substr(page.find("<table class=\"generation-outputs\">"));
  EXPECT_EQ(count_of(table.substr(0, table.find("</table>")), "<tr>"), 14u);  // the header and 13 examples
  EXPECT_NE(page.find("<td>a&lt;b</td>"), std::string::npos);
  EXPECT_EQ(page.find("a<b"), std::string::npos);
  EXPECT_NE(page.find("A1 &lt;unk&gt; B1"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"closest\">"), std::string::npos);  // "ab" has two references
  EXPECT_GT(count_of(page, "<span class=\"sub\">") + count_of(page, "<span class=\"ins\">") +
                count_of(page, "<span class=\"del\">"),
            0u);

  // --examples 5: the first five examples ("ab" with both its references).
  const fs::path first = write_file(dir / "first.tsv", spelling_tsv().substr(0, spelling_tsv().find("bca")) +
                                                           "bca\tB1 C1 A1\n" + "ab\tB1 A1 C1\n");
  const fs::path short_page = dir / "short.html";
  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --examples 5 --threads 1 --out " +
                      quoted(short_page.string())).exit_code, 0);
  const nlohmann::json five = eval_json("seq2seq eval " + quoted(run.string()) + " --data " + quoted(first.string()));
  EXPECT_EQ(five["outputs"], 5);
  expect_eval_figures(read_file(short_page), five, true);
  EXPECT_NE(read_file(short_page).find("the first 5 of the 13 examples"), std::string::npos);

  fs::rename(dev, dir / "moved.tsv");
  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --threads 1").exit_code, 0);
  EXPECT_NE(read_file(page_path).find("is no longer there"), std::string::npos);
}

// The report of a caption run: eval's figures with BLEU (word captions),
// each vector as its width and a small grey image (its width is a square).
TEST(CliGenerationReport, CaptionPageShowsEvalsFiguresAndTheVectors) {
  const fs::path dir = testing::fresh_directory_for_test("recur_caption_report_");
  const fs::path train = write_file(dir / "c.jsonl", caption_jsonl());
  const fs::path dev = write_file(
      dir / "dev.jsonl", caption_jsonl() + "{\"vector\": [0, 0, 1, 0], \"text\": [\"two\", \"<b>two</b> & co\"]}\n");
  const fs::path run = dir / "run";
  const auto trained = run_recur("caption train --data " + quoted(train.string()) + " --dev " + quoted(dev.string()) +
                                 " --max-iters 60 --batch 8 --run " + quoted(run.string()) + kQuick);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --threads 1").exit_code, 0);
  const std::string page = read_file(run / "report.html");
  const nlohmann::json all = eval_json("caption eval " + quoted(run.string()) + " --data " + quoted(dev.string()));
  EXPECT_EQ(all["outputs"], 25);
  expect_eval_figures(page, all, true);
  EXPECT_EQ(count_of(page, "data-series=\"image\""), 25u);
  EXPECT_NE(page.find("width 4, values"), std::string::npos);
  EXPECT_NE(page.find(" | &lt;unk&gt; &lt;unk&gt; &lt;unk&gt;"), std::string::npos);

  // Trained without --dev: the page says how to score a file instead.
  const fs::path no_dev = dir / "no_dev";
  ASSERT_EQ(run_recur("caption train --data " + quoted(train.string()) + " --max-iters 5 --run " +
                      quoted(no_dev.string()) + kQuick).exit_code, 0);
  ASSERT_EQ(run_recur("report " + quoted(no_dev.string()) + " --threads 1").exit_code, 0);
  EXPECT_NE(read_file(no_dev / "report.html").find("trained without --dev"), std::string::npos);
}

}  // namespace
}  // namespace recur
