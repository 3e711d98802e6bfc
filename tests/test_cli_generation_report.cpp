// `recur report` on seq2seq and caption runs through the command line: the
// page's dev figures are those `recur seq2seq|caption eval --json` prints for
// the same examples, --report writes the page during training, every example
// is a row with its wrong tokens marked, text from the files is escaped, and
// a run without its dev set gets a line saying so.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "generation_files.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::caption_jsonl;
using testing::eval_json;
using testing::quoted;
using testing::read_file;
using testing::run_recur;
using testing::spelling_tsv;
using testing::write_file;

const char* const kQuick = testing::kQuickGeneration;

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
  // Every example is in the table, so its marked words are eval's edits, one by one.
  int64_t marked = 0;
  const std::string rows = table.substr(0, table.find("</table>"));
  const std::regex mark("<span class=\"(sub|ins|del)\">([^<]*)</span>");
  for (auto it = std::sregex_iterator(rows.begin(), rows.end(), mark); it != std::sregex_iterator(); ++it) {
    std::istringstream words((*it)[2].str());
    for (std::string word; words >> word;) ++marked;
  }
  EXPECT_GT(marked, 0);
  EXPECT_EQ(marked, all["edits"].get<int64_t>());

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
  EXPECT_NE(page.find("&lt;unk&gt; &lt;unk&gt; &lt;unk&gt;</"), std::string::npos);  // "<b>two</b> & co", unseen

  // Trained without --dev: the page says how to score a file instead.
  const fs::path no_dev = dir / "no_dev";
  ASSERT_EQ(run_recur("caption train --data " + quoted(train.string()) + " --max-iters 5 --run " +
                      quoted(no_dev.string()) + kQuick).exit_code, 0);
  ASSERT_EQ(run_recur("report " + quoted(no_dev.string()) + " --threads 1").exit_code, 0);
  EXPECT_NE(read_file(no_dev / "report.html").find("trained without --dev"), std::string::npos);
}

}  // namespace
}  // namespace recur
