// `recur classify` and `recur tag` through the command line: a tiny train /
// eval / predict run of each on data a model must learn (words and frames),
// predict's output round-tripping through eval, resume, and every bad input
// of the issue as one line naming file:line[:column], exit status 1, no output.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "recur/checkpoint.h"
#include "recur/classification_metrics.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::quoted;
using testing::read_file;
using testing::run_command;
using testing::run_recur;
using testing::write_file;

const char* kQuick = " --epochs 6 --threads 1 --hidden 12 --word-embedding 8 --eval-every 20 --lr 0.02 --dropout 0";

// Sentences whose label is set by one of two cue words; filler words around it.
std::string sentiment_tsv(int count, int seed) {
  const std::vector<std::string> filler = {"the", "film", "was", "a", "story", "of", "it", "and", "plot"};
  std::string out;
  for (int i = 0; i < count; ++i) {
    const bool good = (i * 7 + seed) % 2 == 0;
    std::string text;
    const int words = 2 + (i * 5 + seed) % 6;
    for (int w = 0; w < words; ++w) text += filler[(i * 3 + w * 5 + seed) % filler.size()] + " ";
    text += good ? "great " : "awful ";
    text += filler[(i + seed) % filler.size()];
    out += text + " \t" + (good ? "pos" : "neg") + "\n";
  }
  return out;
}

// Tagged sentences: determiners, nouns and verbs from small closed lists.
std::string tagged_conllu(int count, int seed) {
  const std::vector<std::pair<std::string, std::string>> words = {
      {"the", "DET"}, {"a", "DET"}, {"dog", "NOUN"}, {"cat", "NOUN"}, {"runs", "VERB"}, {"sleeps", "VERB"}};
  std::string out;
  for (int s = 0; s < count; ++s) {
    out += "# sent_id = " + std::to_string(s) + "\n";
    const int pairs = 1 + (s + seed) % 3;
    int id = 1;
    for (int p = 0; p < pairs; ++p)
      for (int k : {(s + p) % 2, 2 + (s + p + seed) % 2, 4 + (s * p + seed) % 2}) {
        const auto& [form, tag] = words[static_cast<size_t>(k)];
        out += std::to_string(id++) + "\t" + form + "\t" + form + "\t" + tag + "\t_\t_\t0\tdep\t_\t_\n";
      }
    out += "\n";
  }
  return out;
}

nlohmann::json eval_json(const std::string& command, const std::string& run, const std::string& data,
                         const std::string& extra = "") {
  const auto result = run_command("(" + std::string(RECUR_BINARY) + " " + command + " eval " + run + " --data " +
                                  data + " --json --threads 1" + extra + " 2>/dev/null)");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return nlohmann::json::parse(result.output);
}

std::string stdout_of(const std::string& arguments) {
  const auto result = run_command("(" + std::string(RECUR_BINARY) + " " + arguments + " 2>/dev/null)");
  EXPECT_EQ(result.exit_code, 0) << arguments;
  return result.output;
}

// --monitor macro_f1: the figure best.safetensors records is what eval gives for it on the same dev file,
// with the trained weights and with their moving average (--ema: validation measures the average, which the
// checkpoint holds as the model).
TEST(CliClassify, MonitorRecordsTheDevFigureEvalGives) {
  for (const std::string averaging : {"", " --ema 0.9"}) {
    SCOPED_TRACE(averaging);
    const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_monitor_");
    const std::string train = write_file(dir / "train.tsv", sentiment_tsv(240, 0)).string();
    const std::string dev = write_file(dir / "dev.tsv", sentiment_tsv(40, 1)).string();
    const fs::path run = dir / "run";
    const auto trained = run_recur("classify train --data " + train + " --dev " + dev + " --monitor macro_f1 --run " +
                                   run.string() + averaging + kQuick);
    ASSERT_EQ(trained.exit_code, 0) << trained.output;
    const Checkpoint best = load_checkpoint(run / "best.safetensors");
    EXPECT_EQ(best.training.at("trainer").at("monitor"), "macro_f1");
    EXPECT_EQ(best.has("trained.classifier.weight"), !averaging.empty());
    const nlohmann::json metrics = eval_json("classify", (run / "best.safetensors").string(), dev);
    EXPECT_NEAR(best.training.at("best_monitored").get<double>(), metrics.at("macro_f1").get<double>(), 1e-12);
  }
}

TEST(CliClassify, TrainsEvaluatesPredictsAndRoundTrips) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_");
  const std::string train = write_file(dir / "train.tsv", sentiment_tsv(240, 0)).string();
  const std::string dev = write_file(dir / "dev.tsv", sentiment_tsv(40, 1)).string();
  const std::string run = (dir / "run").string();
  const auto trained = run_recur("classify train --data " + train + " --dev " + dev + " --run " + run + kQuick);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("dev accuracy"), std::string::npos) << trained.output;
  for (const char* file : {"best.safetensors", "last.safetensors", "log.csv"}) EXPECT_TRUE(fs::exists(fs::path(run) / file));

  const nlohmann::json metrics = eval_json("classify", run, dev);
  EXPECT_GE(metrics.at("accuracy").get<double>(), 0.95) << metrics.dump();
  EXPECT_TRUE(metrics.contains("macro_f1"));
  EXPECT_EQ(metrics.at("total").get<int>(), 40);

  // The report's dev figures are eval's, with the confusion matrix drawn.
  ASSERT_EQ(run_recur("report " + run + " --threads 1").exit_code, 0);
  const std::string page = read_file(fs::path(run) / "report.html");
  EXPECT_NE(page.find(fmt::format("(40 sequences): accuracy {:.4f}", metrics.at("accuracy").get<double>())),
            std::string::npos);
  EXPECT_NE(page.find("data-series=\"confusion\""), std::string::npos);

  // predict: from a file and from stdin alike; label then probabilities.
  const std::string from_file = stdout_of("classify predict " + run + " " + dev + " --threads 1");
  const std::string from_stdin = stdout_of("classify predict " + run + " --threads 1 < " + dev);
  EXPECT_EQ(from_file, from_stdin);
  std::istringstream texts(read_file(dev)), predictions(from_file);
  std::string text_line, prediction_line, relabelled;
  int lines = 0;
  while (std::getline(texts, text_line) && std::getline(predictions, prediction_line)) {
    ++lines;
    const std::string label = prediction_line.substr(0, prediction_line.find('\t'));
    EXPECT_NE(prediction_line.find("neg="), std::string::npos);
    relabelled += text_line.substr(0, text_line.find('\t')) + "\t" + label + "\n";
  }
  EXPECT_EQ(lines, 40);
  // The model's own labels, evaluated: every one right.
  const std::string own = write_file(dir / "own.tsv", relabelled).string();
  EXPECT_DOUBLE_EQ(eval_json("classify", run, own).at("accuracy").get<double>(), 1.0);

  const std::string json_lines = stdout_of("classify predict " + run + " --json --threads 1 " + dev);
  const nlohmann::json first = nlohmann::json::parse(json_lines.substr(0, json_lines.find('\n')));
  EXPECT_NEAR(first.at("probabilities").at("neg").get<double>() + first.at("probabilities").at("pos").get<double>(),
              1.0, 1e-5);

  // Resume: continues to more epochs from last.safetensors.
  const auto resumed = run_recur("classify train --resume " + run + " --epochs 7 --threads 1");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
}

TEST(CliClassify, FramesAndPoolings) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_");
  // Label = whether the first feature rises or falls over the sequence.
  std::string jsonl;
  for (int i = 0; i < 120; ++i) {
    const bool up = i % 2 == 0;
    nlohmann::json frames = nlohmann::json::array();
    const int steps = 2 + i % 5;
    for (int t = 0; t < steps; ++t) frames.push_back({(up ? 1.0 : -1.0) * t / steps, 0.1 * (i % 3)});
    jsonl += nlohmann::json{{"frames", frames}, {"label", up ? "up" : "down"}}.dump() + "\n";
  }
  const std::string data = write_file(dir / "frames.jsonl", jsonl).string();
  for (const char* pooling : {"last", "mean", "max"}) {
    const std::string run = (dir / pooling).string();
    const auto trained = run_recur("classify train --data " + data + " --dev " + data + " --run " + run +
                                   " --bidirectional --pooling " + pooling +
                                   " --epochs 8 --threads 1 --hidden 8 --lr 0.03 --dropout 0 --eval-every 50");
    ASSERT_EQ(trained.exit_code, 0) << trained.output;
    EXPECT_GE(eval_json("classify", run, data).at("accuracy").get<double>(), 0.9) << pooling;
  }
}

TEST(CliTag, TrainsEvaluatesAndPredictsConllu) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_");
  const std::string train = write_file(dir / "train.conllu", tagged_conllu(80, 0)).string();
  // Dev holds a word training never had ("bird"): an unseen word, tagged from its context.
  std::string dev_text = tagged_conllu(20, 1) + "# sent_id = x\n1\tthe\tthe\tDET\t_\t_\t0\tdep\t_\t_\n"
                                                "2\tbird\tbird\tNOUN\t_\t_\t0\tdep\t_\t_\n3\truns\trun\tVERB\t_\t_\t0\tdep\t_\t_\n\n";
  const std::string dev = write_file(dir / "dev.conllu", dev_text).string();
  const std::string run = (dir / "run").string();
  const auto trained = run_recur("tag train --data " + train + " --dev " + dev + " --run " + run + kQuick +
                                 " --char-hidden 4 --char-embedding 4");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const nlohmann::json metrics = eval_json("tag", run, dev);
  EXPECT_GE(metrics.at("accuracy").get<double>(), 0.95) << metrics.dump();
  EXPECT_EQ(metrics.at("unseen_tokens").get<int>(), 1);
  EXPECT_TRUE(metrics.contains("unseen_accuracy"));
  EXPECT_TRUE(metrics.contains("sentence_accuracy"));
  ASSERT_EQ(run_recur("report " + run + " --threads 1").exit_code, 0);
  const std::string page = read_file(fs::path(run) / "report.html");
  EXPECT_NE(page.find(fmt::format("tokens): accuracy {:.4f}", metrics.at("accuracy").get<double>())), std::string::npos);
  EXPECT_NE(page.find("data-series=\"F1\""), std::string::npos);  // the per-tag F1 bars

  // predict writes CoNLL-U: every byte as read except the UPOS column.
  const std::string predicted = stdout_of("tag predict " + run + " --threads 1 " + dev);
  std::istringstream in(dev_text), out(predicted);
  std::string a, b;
  while (std::getline(in, a)) {
    ASSERT_TRUE(std::getline(out, b));
    if (a.empty() || a[0] == '#') {
      EXPECT_EQ(a, b);
      continue;
    }
    auto without_upos = [](const std::string& line) {
      const size_t third = line.find('\t', line.find('\t', line.find('\t') + 1) + 1);
      return line.substr(0, third) + line.substr(line.find('\t', third + 1));
    };
    EXPECT_EQ(without_upos(a), without_upos(b));
  }
  EXPECT_FALSE(std::getline(out, b));
  const std::string own = write_file(dir / "own.conllu", predicted).string();
  EXPECT_DOUBLE_EQ(eval_json("tag", run, own).at("accuracy").get<double>(), 1.0);
}

TEST(CliTag, TsvInput) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_");
  std::string tsv;
  for (int s = 0; s < 60; ++s) tsv += (s % 2 ? "the\tDET\ndog\tNOUN\nruns\tVERB\n\n" : "a\tDET\ncat\tNOUN\nsleeps\tVERB\n\n");
  const std::string data = write_file(dir / "data.tsv", tsv).string();
  const std::string run = (dir / "run").string();
  const auto trained = run_recur("tag train --data " + data + " --run " + run + kQuick + " --char-encoder none");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_EQ(stdout_of("tag predict " + run + " --threads 1 " + data), tsv.substr(0, tsv.size() - 1));
}

// ---- bad input ----

struct Failure {
  std::string arguments;  // after `recur`
  std::string prefix;     // the message after "recur: "
};

void expect_one_line_failure(const Failure& f, const fs::path& untouched_run = {}) {
  // run_command merges the streams; the subshells pick one first.
  const auto result = run_command("(" + std::string(RECUR_BINARY) + " " + f.arguments + " 2>&1 >/dev/null)");
  const auto stdout_only = run_command("(" + std::string(RECUR_BINARY) + " " + f.arguments + " 2>/dev/null)");
  EXPECT_EQ(result.exit_code, 1) << f.arguments << "\n" << result.output;
  const std::string expected = "recur: " + f.prefix;
  EXPECT_EQ(result.output.substr(0, expected.size()), expected) << f.arguments;
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << "not one line: " << result.output;
  EXPECT_EQ(stdout_only.output, "") << "output written by: " << f.arguments;
  if (!untouched_run.empty()) { EXPECT_FALSE(fs::exists(untouched_run)) << f.arguments; }
}

TEST(CliSequence, BadInputIsOneLineNamingFileAndLine) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_seq_");
  auto file = [&](const std::string& name, const std::string& bytes) { return write_file(dir / name, bytes).string(); };
  const std::string good_tsv = file("good.tsv", sentiment_tsv(30, 0));
  const std::string good_conllu = file("good.conllu", tagged_conllu(10, 0));
  const std::string run = (dir / "run").string(), tag_run = (dir / "tag_run").string();
  const std::string quick = std::string(" --run ") + (dir / "never").string() + " --max-iters 1 --threads 1";
  const fs::path never = dir / "never";

  // Training data.
  const std::string no_tab = file("no_tab.tsv", "good film\t1\nno tab here\n");
  expect_one_line_failure({"classify train --data " + no_tab + quick, no_tab + ":2:"}, never);
  const std::string empty_text = file("empty_text.tsv", "good film\t1\n \t0\n");
  expect_one_line_failure({"classify train --data " + empty_text + quick, empty_text + ":2:"}, never);
  const std::string empty = file("empty.tsv", "");
  expect_one_line_failure({"classify train --data " + empty + quick, empty + ":"}, never);
  const std::string columns = file("columns.conllu", "1\tThe\tthe\tDET\t_\t_\t0\tdep\t_\n\n");
  expect_one_line_failure({"tag train --data " + columns + quick, columns + ":1:"}, never);
  const std::string bad_id = file("bad_id.conllu", "one\tThe\tthe\tDET\t_\t_\t0\tdep\t_\t_\n\n");
  expect_one_line_failure({"tag train --data " + bad_id + quick, bad_id + ":1:"}, never);
  const std::string no_tokens = file("no_tokens.conllu", tagged_conllu(1, 0) + "# sent_id = empty\n\n");
  expect_one_line_failure({"tag train --data " + no_tokens + quick, no_tokens + ":"}, never);
  const std::string not_json = file("not_json.jsonl", "{\"frames\": [[1, 2]], \"label\": \"a\"}\n{frames: 1}\n");
  expect_one_line_failure({"classify train --data " + not_json + quick, not_json + ":2:"}, never);
  const std::string widths = file("widths.jsonl", "{\"frames\": [[1, 2], [3]], \"label\": \"a\"}\n");
  expect_one_line_failure({"classify train --data " + widths + quick, widths + ":1:"}, never);
  const std::string short_row = file("short.vec", "great 0.1 0.2 0.3\nawful 0.1 0.2\n");
  expect_one_line_failure({"classify train --data " + good_tsv + " --embeddings " + short_row + quick, short_row + ":2:"},
                          never);
  const std::string nan_row = file("nan.vec", "great 0.1 0.2 0.3\nawful 0.1 zero 0.3\n");
  expect_one_line_failure({"classify train --data " + good_tsv + " --embeddings " + nan_row + quick, nan_row + ":2:"},
                          never);

  // Evaluation and prediction.
  ASSERT_EQ(run_recur("classify train --data " + good_tsv + " --run " + run + " --max-iters 2 --threads 1").exit_code, 0);
  ASSERT_EQ(run_recur("tag train --data " + good_conllu + " --run " + tag_run + " --max-iters 2 --threads 1").exit_code, 0);
  const std::string unknown = file("unknown.tsv", "good film\tpos\nbad film\tmaybe\n");
  expect_one_line_failure({"classify eval " + run + " --data " + unknown, unknown + ":2:"});
  const auto counted = run_recur("classify eval " + run + " --data " + unknown + " --allow-unknown-labels --json");
  EXPECT_EQ(counted.exit_code, 0) << counted.output;
  EXPECT_NE(counted.output.find("\"unknown_labels\":1"), std::string::npos) << counted.output;
  expect_one_line_failure({"classify predict " + run + " " + good_tsv + " " + empty, empty + ":"});
  expect_one_line_failure({"classify predict " + tag_run + " " + good_tsv, (fs::path(tag_run) / "last.safetensors").string()});
  expect_one_line_failure({"tag predict " + run + " " + good_conllu, (fs::path(run) / "last.safetensors").string()});
}

TEST(ConfusionMatrix, HandComputedMeasures) {
  // gold:      0 0 0 1 1 2 ?   predicted: 0 0 1 1 0 0 2
  ConfusionMatrix m(3);
  const int64_t gold[] = {0, 0, 0, 1, 1, 2, kIgnoredTarget}, predicted[] = {0, 0, 1, 1, 0, 0, 2};
  for (int i = 0; i < 7; ++i) m.add(gold[i], predicted[i]);
  EXPECT_EQ(m.total(), 7);
  EXPECT_EQ(m.correct(), 3);
  EXPECT_DOUBLE_EQ(m.accuracy(), 3.0 / 7);
  EXPECT_DOUBLE_EQ(m.precision(0), 2.0 / 4);  // predicted 0 four times, right twice
  EXPECT_DOUBLE_EQ(m.recall(0), 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1(0), 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3));
  EXPECT_DOUBLE_EQ(m.precision(1), 1.0 / 2);
  EXPECT_DOUBLE_EQ(m.recall(1), 1.0 / 2);
  EXPECT_DOUBLE_EQ(m.f1(2), 0.0);  // never predicted right
  EXPECT_DOUBLE_EQ(m.macro_f1(), (m.f1(0) + 0.5 + 0.0) / 3);
  EXPECT_EQ(m.count(1, 0), 1);
  EXPECT_EQ(m.unknown(), 1);
}

}  // namespace
}  // namespace recur
