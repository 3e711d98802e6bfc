// `recur forecast` end to end through the binary: train a small model, eval
// it (JSON keys and a baseline checked against a hand computation from the
// file), predict the dated rows after the end; and bad input refused with one
// line naming the file, row and column, exit status 1 and no run folder.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

#include "command_runner.h"
#include "recur/checkpoint.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::quoted;
using testing::run_recur;

// 300 days from 2020-01-01: y a noisy-free sine of period 20 plus a slow trend, x a covariate.
std::vector<double> series_values() {
  std::vector<double> y;
  for (int t = 0; t < 300; ++t) y.push_back(10 + 3 * std::sin(2 * M_PI * t / 20.0) + 0.01 * t);
  return y;
}

std::string dated_csv() {
  const std::vector<double> y = series_values();
  std::string text = "date,y,x\n";
  for (int t = 0; t < 300; ++t) {
    // Days of 2020 (a leap year): 31 in January, 29 in February, ...
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month = 0, day = t;
    while (day >= month_days[month]) day -= month_days[month++];
    text += fmt::format("2020-{:02}-{:02},{:.6f},{:.6f}\n", month + 1, day + 1, y[t], std::cos(t / 7.0));
  }
  return text;
}

TEST(CliForecast, TrainEvalPredictEndToEnd) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_forecast_");
  const fs::path csv = testing::write_file(dir / "series.csv", dated_csv());
  const fs::path run = dir / "run";
  const auto train = run_recur("forecast train --data " + quoted(csv.string()) +
                               " --target y --date date --calendar weekday --lookback 12 --horizon 3 --hidden 16"
                               " --max-iters 60 --eval-every 30 --threads 1 --run " + quoted(run.string()));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_TRUE(fs::exists(run / "best.safetensors"));
  EXPECT_TRUE(fs::exists(run / "last.safetensors"));

  const auto eval = run_recur("forecast eval " + quoted(run.string()) + " --json --season 20 --threads 1");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const nlohmann::json report = nlohmann::json::parse(eval.output);
  // Rows 270..299 are the test part (floor(0.9 * 300)): 30 - (12 + 3) + 1 windows.
  EXPECT_EQ(report.at("windows"), 16);
  EXPECT_EQ(report.at("part"), "test");
  for (const char* key : {"rmse", "mae", "mape", "smape"}) EXPECT_TRUE(report.at(key).is_number()) << key;
  EXPECT_EQ(report.at("per_step").size(), 3u);
  for (const char* baseline : {"persistence", "seasonal_naive", "linear"})
    for (const char* key : {"rmse", "mae"}) EXPECT_TRUE(report.at("baselines").at(baseline).at(key).is_number());
  // Persistence by hand: window s forecasts rows s+12..s+14 with row s+11.
  const std::vector<double> y = series_values();
  double squares = 0;
  for (int s = 270; s <= 285; ++s)
    for (int h = 0; h < 3; ++h) squares += std::pow(y[s + 12 + h] - y[s + 11], 2);
  EXPECT_NEAR(report.at("baselines").at("persistence").at("rmse").get<double>(), std::sqrt(squares / 48), 1e-5);
  // The seasonal naive of a period-20 sine with a trend is off by the trend over 20 days only.
  EXPECT_NEAR(report.at("baselines").at("seasonal_naive").at("rmse").get<double>(), 0.2, 1e-5);

  // The report's table holds eval's figures for the model, and the plots show the actual series.
  ASSERT_EQ(run_recur("report " + quoted(run.string()) + " --threads 1").exit_code, 0);
  const std::string page = testing::read_file(run / "report.html");
  EXPECT_NE(page.find(fmt::format(">{:.5g}<", report.at("rmse").get<double>())), std::string::npos);
  EXPECT_NE(page.find("data-series=\"actual\""), std::string::npos);
  EXPECT_NE(page.find("RMSE per horizon step"), std::string::npos);

  const auto other = run_recur("forecast eval " + quoted(run.string()) + " --json --season 20 --data " +
                               quoted(csv.string()));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  // Every window of the file whose season lies inside it: starts 8..285.
  EXPECT_EQ(nlohmann::json::parse(other.output).at("windows"), 278);

  const auto predict = run_recur("forecast predict " + quoted(run.string()) + " --data " + quoted(csv.string()));
  ASSERT_EQ(predict.exit_code, 0) << predict.output;
  // Day 300 of 2020 is 2020-10-26; the forecast covers the three days after it.
  const std::string expected_start = "date,y\n2020-10-27,";
  ASSERT_EQ(predict.output.substr(0, expected_start.size()), expected_start) << predict.output;
  EXPECT_NE(predict.output.find("\n2020-10-28,"), std::string::npos);
  EXPECT_NE(predict.output.find("\n2020-10-29,"), std::string::npos);
  int lines = 0;
  for (char c : predict.output) lines += c == '\n';
  EXPECT_EQ(lines, 4) << predict.output;
  // The forecasts are numbers near the series (between 6 and 14).
  const double first = std::stod(predict.output.substr(expected_start.size()));
  EXPECT_GT(first, 6);
  EXPECT_LT(first, 14);
}

TEST(CliForecast, ResidualFlagIsSavedWithTheModel) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_forecast_residual_");
  const fs::path csv = testing::write_file(dir / "series.csv", dated_csv());
  for (const bool residual : {false, true}) {
    const fs::path run = dir / (residual ? "residual" : "plain");
    const auto train = run_recur("forecast train --data " + quoted(csv.string()) +
                                 " --target y --lookback 8 --hidden 4 --max-iters 2 --threads 1 --run " +
                                 quoted(run.string()) + (residual ? " --residual" : ""));
    ASSERT_EQ(train.exit_code, 0) << train.output;
    EXPECT_EQ(load_checkpoint(run / "last.safetensors").model.at("config").at("residual").get<bool>(), residual);
  }
}

// --monitor rmse: best.safetensors records the validation RMSE (original units)
// that `forecast eval --part validation` gives for it over the same windows
// (--season 1 keeps every window, as training's validation does).
TEST(CliForecast, MonitorRecordsTheValidationRmseEvalGives) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_forecast_monitor_");
  const fs::path csv = testing::write_file(dir / "series.csv", dated_csv());
  const fs::path run = dir / "run";
  const auto train = run_recur("forecast train --data " + quoted(csv.string()) +
                               " --target y --lookback 8 --hidden 4 --max-iters 30 --eval-every 10 --threads 1 "
                               "--loss huber --monitor rmse --run " + quoted(run.string()));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_NE(train.output.find(" | rmse "), std::string::npos) << train.output;
  const Checkpoint best = load_checkpoint(run / "best.safetensors");
  EXPECT_EQ(best.training.at("trainer").at("monitor"), "rmse");
  const auto eval = run_recur("forecast eval " + quoted((run / "best.safetensors").string()) +
                              " --part validation --season 1 --json --threads 1");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const nlohmann::json scored = nlohmann::json::parse(eval.output.substr(eval.output.find('{')));
  EXPECT_EQ(scored.at("windows_left_out").get<int>(), 0);
  EXPECT_NEAR(best.training.at("best_monitored").get<double>(), scored.at("rmse").get<double>(), 1e-9)
      << scored.dump();
}

struct BadInput {
  std::string name, csv, flags, expected;  // expected: the part of the message naming row and column
};

TEST(CliForecast, BadInputIsOneLineNamingFileRowAndColumnAndWritesNothing) {
  const fs::path dir = testing::fresh_directory_for_test("recur_cli_forecast_bad_");
  std::string good_rows;
  for (int d = 1; d <= 28; ++d) good_rows += fmt::format("2021-02-{:02},{},{}\n", d, d, 2 * d);
  const std::string header = "date,y,x\n";
  const std::vector<BadInput> cases = {
      {"non_numeric", header + "2021-01-01,1,2\n2021-01-02,x1,2\n" + good_rows, "", "row 3, column 'y'"},
      {"missing", header + "2021-01-01,1,2\n2021-01-02,1,NA\n" + good_rows, "", "row 3, column 'x'"},
      {"unknown_target", header + good_rows, " --target z", "'z'"},
      {"unknown_feature", header + good_rows, " --features w", "'w'"},
      {"duplicate_header", "date,y,y\n" + good_rows, "", "'y'"},
      {"ragged", header + "2021-01-01,1,2\n2021-01-02,1\n" + good_rows, "", "row 3"},
      {"too_short", header + "2021-01-01,1,2\n2021-01-02,1,2\n2021-01-03,1,2\n", "", "rows"},
      {"bad_date", header + "2021-01-01,1,2\n2021-31-01,1,2\n" + good_rows, "", "row 3, column 'date'"},
      {"unsorted", header + "2021-01-02,1,2\n2021-01-01,1,2\n" + good_rows, "", "row 3, column 'date'"},
  };
  for (const BadInput& c : cases) {
    const fs::path csv = testing::write_file(dir / (c.name + ".csv"), c.csv);
    const fs::path run = dir / ("run_" + c.name);
    const std::string target = c.flags.find("--target") == std::string::npos ? " --target y" : "";
    const auto result = run_recur("forecast train --data " + quoted(csv.string()) + target + c.flags +
                                  " --date date --lookback 4 --horizon 2 --max-iters 2 --run " + quoted(run.string()));
    EXPECT_EQ(result.exit_code, 1) << c.name << ": " << result.output;
    EXPECT_NE(result.output.find(csv.string()), std::string::npos) << c.name << ": " << result.output;
    EXPECT_NE(result.output.find(c.expected), std::string::npos) << c.name << ": " << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << c.name << ": " << result.output;
    EXPECT_FALSE(fs::exists(run)) << c.name;
  }
  // Dates out of order are accepted (sorted) when asked for.
  const fs::path unsorted = dir / "unsorted.csv";
  const auto sorted = run_recur("forecast train --data " + quoted(unsorted.string()) +
                                " --target y --date date --allow-unsorted --lookback 4 --horizon 2 --val-frac 0.2 --test-frac 0.2 --max-iters 2"
                                " --threads 1 --run " + quoted((dir / "run_sorted").string()));
  EXPECT_EQ(sorted.exit_code, 0) << sorted.output;
}

}  // namespace
}  // namespace recur
