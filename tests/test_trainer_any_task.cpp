// The training loop knows nothing of characters: a linear regression task,
// written here and nowhere in the library, trains, validates, keeps its best
// checkpoint, stops early and resumes exactly through the same Trainer the
// language model uses.
#include <algorithm>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "recur/checkpoint.h"
#include "recur/trainer.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFeatures = 3;
const float kTrueWeights[kFeatures] = {1.5f, -2.0f, 0.5f};
constexpr float kTrueBias = 0.25f;

// y = x . w* + b* + noise; minibatches taken in order, a cursor for the position.
class LinearRegressionTask : public TrainingTask {
 public:
  explicit LinearRegressionTask(uint64_t init_seed, int64_t batch = 8) : batch_(batch) {
    Rng data_rng(42);  // the same data whatever the initial weights
    auto draw = [&](int64_t count, std::vector<float>& x, std::vector<float>& y) {
      for (int64_t n = 0; n < count; ++n) {
        float target = kTrueBias + 0.01f * float(data_rng.normal());
        for (int64_t f = 0; f < kFeatures; ++f) {
          x.push_back(float(data_rng.normal()));
          target += kTrueWeights[f] * x.back();
        }
        y.push_back(target);
      }
    };
    draw(64, train_x_, train_y_);
    draw(32, valid_x_, valid_y_);
    Rng init(init_seed);
    for (int64_t f = 0; f < kFeatures; ++f) weight.value[f] = float(init.uniform(-1, 1));
  }

  Parameter<float> weight{"linear.weight", {kFeatures}};
  Parameter<float> bias{"linear.bias", {1}};

  ParameterList<float> parameters() override { return {&weight, &bias}; }

  TaskLoss train_step(Rng&) override {
    if (cursor_ + batch_ > examples()) {
      cursor_ = 0;
      ++epoch_;
    }
    TaskLoss loss;
    for (int64_t n = cursor_; n < cursor_ + batch_; ++n) {
      const float error = predict(&train_x_[n * kFeatures]) - train_y_[n];
      loss.sum += double(error) * error;
      ++loss.count;
      // Gradient of the batch's mean squared error.
      for (int64_t f = 0; f < kFeatures; ++f) weight.grad[f] += 2 * error * train_x_[n * kFeatures + f] / float(batch_);
      bias.grad[0] += 2 * error / float(batch_);
    }
    cursor_ += batch_;
    return loss;
  }
  int64_t tokens_per_step() const override { return batch_; }
  int64_t steps_per_epoch() const override { return examples() / batch_; }
  double epochs_done() const override { return double(epoch_) + double(cursor_) / double(examples()); }
  bool has(DataPart part) const override { return part == DataPart::Validation; }
  TaskLoss evaluate(DataPart) override {
    TaskLoss loss;
    for (size_t n = 0; n < valid_y_.size(); ++n) {
      const float error = predict(&valid_x_[n * kFeatures]) - valid_y_[n];
      loss.sum += double(error) * error;
      ++loss.count;
    }
    return loss;
  }
  void reset_carried_state() override {}
  nlohmann::json save_position(Checkpoint&) const override { return {{"epoch", epoch_}, {"cursor", cursor_}}; }
  void restore_position(const nlohmann::json& position, const Checkpoint&) override {
    epoch_ = position.at("epoch").get<int64_t>();
    cursor_ = position.at("cursor").get<int64_t>();
  }
  nlohmann::json describe_model() const override { return {{"task", "linear_regression"}, {"features", kFeatures}}; }
  nlohmann::json describe_data() const override { return {{"examples", examples()}}; }

 private:
  int64_t examples() const { return static_cast<int64_t>(train_y_.size()); }
  float predict(const float* x) const {
    float y = bias.value[0];
    for (int64_t f = 0; f < kFeatures; ++f) y += weight.value[f] * x[f];
    return y;
  }

  int64_t batch_;
  std::vector<float> train_x_, train_y_, valid_x_, valid_y_;
  int64_t cursor_ = 0, epoch_ = 0;
};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recur_any_task_test_" + name);
  fs::remove_all(dir);
  return dir;
}

TrainerOptions options_for(const fs::path& dir, int64_t iterations) {
  TrainerOptions o;
  o.run_dir = dir;
  o.optimizer = "adam";
  o.schedule.base_lr = 0.05;
  o.max_iterations = iterations;
  o.epochs = 0;
  o.eval_every = 10;
  o.log_every = 1000;
  return o;
}

TEST(TrainerOnAnyTask, LearnsALinearRegressionAndKeepsTheBestCheckpoint) {
  LinearRegressionTask task(/*init_seed=*/1);
  const double initial = task.evaluate(DataPart::Validation).mean();
  const fs::path dir = fresh_dir("learns");
  const TrainingOutcome outcome = Trainer(task, options_for(dir, 400)).run();
  EXPECT_EQ(outcome.iterations, 400);
  for (int64_t f = 0; f < kFeatures; ++f) EXPECT_NEAR(task.weight.value[f], kTrueWeights[f], 0.05) << f;
  EXPECT_NEAR(task.bias.value[0], kTrueBias, 0.05);
  EXPECT_LT(outcome.best_validation_loss, initial / 100);

  // The best checkpoint is the task's own: its name, its parameters, its validation loss.
  const Checkpoint best = load_checkpoint(dir / "best.safetensors");
  EXPECT_EQ(checkpoint_task(best), "linear_regression");
  EXPECT_NO_THROW(require_task(best, "linear_regression", "a linear regression"));
  try {
    require_task(best, "char_lm", "a character language model");
    FAIL() << "a checkpoint of another task was accepted";
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'linear_regression'"), std::string::npos) << message;
    EXPECT_NE(message.find("'char_lm'"), std::string::npos) << message;
  }
  EXPECT_TRUE(best.has("linear.weight"));
  EXPECT_DOUBLE_EQ(best.training.at("best_validation_loss").get<double>(), outcome.best_validation_loss);
}

TEST(TrainerOnAnyTask, ResumedRunEqualsUninterruptedRun) {
  LinearRegressionTask straight(1);
  Trainer(straight, options_for(fresh_dir("straight"), 23)).run();

  LinearRegressionTask first_half(1);
  const fs::path dir = fresh_dir("resumed");
  Trainer(first_half, options_for(dir, 11)).run();
  LinearRegressionTask second_half(/*init_seed=*/7);  // other weights: the checkpoint must restore them
  Trainer resumed(second_half, options_for(dir, 23));
  resumed.resume(load_checkpoint(dir / "last.safetensors"));
  resumed.run();

  for (int64_t f = 0; f < kFeatures; ++f) EXPECT_EQ(straight.weight.value[f], second_half.weight.value[f]) << f;
  EXPECT_EQ(straight.bias.value[0], second_half.bias.value[0]);
  EXPECT_EQ(straight.epochs_done(), second_half.epochs_done());
}

// The iteration column of RUN/log.csv, in file order.
std::vector<std::string> logged_iterations(const fs::path& run_dir) {
  std::ifstream in(run_dir / "log.csv");
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::string> iterations;
  while (std::getline(in, line)) iterations.push_back(line.substr(0, line.find(',')));
  return iterations;
}

// A run killed after logging past its last checkpoint logs those iterations
// again when resumed: the log keeps them once, as an uninterrupted run has them.
TEST(TrainerOnAnyTask, ResumedRunLogsEachIterationOnce) {
  LinearRegressionTask straight(1);
  const fs::path straight_dir = fresh_dir("log-straight");
  Trainer(straight, options_for(straight_dir, 23)).run();

  LinearRegressionTask first_half(1);
  const fs::path dir = fresh_dir("log-resumed");
  Trainer(first_half, options_for(dir, 11)).run();
  // What the killed run had logged after its checkpoint at iteration 11.
  std::ofstream(dir / "log.csv", std::ios::app) << "12,0.1,96,0.05,1.0,1.0,,2.0,1000.0,0.10,0\n"
                                                << "20,0.2,160,0.05,1.0,1.0,,2.0,1000.0,0.11,0\n";
  LinearRegressionTask second_half(1);
  Trainer resumed(second_half, options_for(dir, 23));
  resumed.resume(load_checkpoint(dir / "last.safetensors"));
  resumed.run();

  // Strictly increasing (each iteration once), with every row the uninterrupted
  // run has; the interrupted run's own last line (11) stays.
  const std::vector<std::string> resumed_rows = logged_iterations(dir);
  for (size_t i = 1; i < resumed_rows.size(); ++i)
    EXPECT_LT(std::stoll(resumed_rows[i - 1]), std::stoll(resumed_rows[i])) << "row " << i;
  for (const std::string& iteration : logged_iterations(straight_dir))
    EXPECT_NE(std::find(resumed_rows.begin(), resumed_rows.end(), iteration), resumed_rows.end()) << iteration;
  EXPECT_EQ(std::find(resumed_rows.begin(), resumed_rows.end(), "12"), resumed_rows.end());
}

TEST(TrainerOnAnyTask, StopsWhenValidationStopsImproving) {
  LinearRegressionTask task(1);
  TrainerOptions o = options_for(fresh_dir("patience"), 1000);
  o.schedule.base_lr = 0;  // nothing changes, so nothing improves after the first validation
  o.patience = 3;
  const TrainingOutcome outcome = Trainer(task, o).run();
  EXPECT_EQ(outcome.iterations, 40);  // validations at 10 (best), 20, 30, 40
  EXPECT_NE(outcome.stop_reason.find("no improvement"), std::string::npos) << outcome.stop_reason;
}

// The last row of RUN/log.csv as column name -> text.
std::map<std::string, std::string> last_log_row(const fs::path& run_dir) {
  std::ifstream in(run_dir / "log.csv");
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line)) last = line;
  std::map<std::string, std::string> row;
  std::stringstream names(header), values(last);
  std::string name, value;
  while (std::getline(names, name, ',')) {
    std::getline(values, value, ',');
    row[name] = value;
  }
  return row;
}

TEST(TrainerOnAnyTask, LogsTheNormBeforeClippingAndCountsClippedSteps) {
  for (const double clip : {1e-3, 1e6}) {
    LinearRegressionTask task(1);
    const fs::path dir = fresh_dir("clipping");
    TrainerOptions o = options_for(dir, 12);
    o.clip_mode = ClipMode::Norm;
    o.clip = clip;
    Trainer(task, o).run();
    const auto row = last_log_row(dir);
    ASSERT_EQ(row.at("iteration"), "12");
    // The first gradients are of order 1: far above 1e-3, far below 1e6.
    EXPECT_EQ(std::stoll(row.at("clipped_steps")), clip < 1 ? 12 : 0) << "clip " << clip;
    EXPECT_GT(std::stod(row.at("grad_norm")), 1e-3);  // the norm before clipping, not after
  }
  LinearRegressionTask task(1);
  const fs::path dir = fresh_dir("value_clipping");
  TrainerOptions o = options_for(dir, 5);
  o.clip_mode = ClipMode::Value;
  o.clip = 1e-4;
  Trainer(task, o).run();
  EXPECT_EQ(last_log_row(dir).at("clipped_steps"), "5");
}

// A run started by an older recur logged fewer columns: its rows stay, and the
// header grows so that the new rows fit it.
TEST(TrainerOnAnyTask, UpgradesAnOlderLogHeaderKeepingItsRows) {
  const fs::path dir = fresh_dir("old_log");
  fs::create_directories(dir);
  const std::string old_header =
      "iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,tokens_per_s,elapsed_s";
  const std::string old_row = "4,0.5,32,0.05,1.0,1.0,,2.0,1000.0,0.10";
  std::ofstream(dir / "log.csv") << old_header << "\n" << old_row << "\n";
  LinearRegressionTask task(1);
  Trainer(task, options_for(dir, 3)).run();
  std::ifstream in(dir / "log.csv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header, old_header + ",clipped_steps,val_monitored");
  EXPECT_EQ(first, old_row);
  EXPECT_EQ(last_log_row(dir).at("iteration"), "3");
}

}  // namespace
}  // namespace recur
