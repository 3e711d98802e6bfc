// ForecastTask: the TrainingTask of `recur forecast train` — a Forecaster
// (forecaster.h) trained on the training windows of a CSV file, shuffled per
// epoch (window_batcher.h), validated by the mean loss of its forecasts of the
// validation windows in scaled units (free-running: an autoregressive model
// feeds its own predictions back there, as it will at forecast time), and by
// their RMSE, MAE and sMAPE in original units over every target and horizon
// step (validation_metrics, for --monitor; `forecast eval` computes them the
// same way, over the windows with a season before them).
//
// Every window starts from a zero state: nothing is carried between batches,
// and the batcher's position (epoch, index) is all an exact resume needs.
// "recur.training" records the file as {"path", "scale", "batch",
// "shuffle_seed", "rows"}; the options are the forecaster's.
#pragma once

#include <memory>
#include <string>

#include "recur/forecaster.h"
#include "recur/training_task.h"

namespace recur {

class ForecastTask : public TrainingTask {
 public:
  // A fresh task: reads `path`, fits the scaler on its training rows, and
  // builds a model of `model`'s kind for its columns (input_size, targets,
  // horizon and known_future_begin are set here). DataError for a bad file.
  static std::unique_ptr<ForecastTask> create(const std::string& path, const TimeSeriesOptions& options,
                                              const WindowShape& shape, ScaleKind scale, ForecastModelConfig model,
                                              int64_t batch, uint64_t seed);
  // The task a checkpoint was trained as, its file read again; a file whose
  // training rows changed (its refitted scaler differs) is refused.
  static std::unique_ptr<ForecastTask> from_checkpoint(const Checkpoint& checkpoint);

  ForecastTask(Forecaster forecaster, ForecastData data, std::string path, ScaleKind scale, int64_t batch,
               uint64_t seed);

  Forecaster& forecaster() { return forecaster_; }
  const ForecastData& data() const { return data_; }

  ParameterList<float> parameters() override { return forecaster_.model->parameters(); }
  TaskLoss train_step(Rng& rng) override;
  int64_t tokens_per_step() const override;
  int64_t steps_per_epoch() const override { return batcher_.batches_per_epoch(); }
  double epochs_done() const override;
  bool has(DataPart part) const override;
  TaskLoss evaluate(DataPart part) override;
  std::vector<TaskMetric> validation_metrics() const override { return metrics(); }
  static std::vector<TaskMetric> metrics() { return {{"rmse", false}, {"mae", false}, {"smape", false}}; }
  void reset_carried_state() override {}
  nlohmann::json save_position(Checkpoint& checkpoint) const override;
  void restore_position(const nlohmann::json& position, const Checkpoint& checkpoint) override;
  nlohmann::json describe_model() const override { return forecaster_.describe(); }
  nlohmann::json describe_data() const override;
  // Each process trains on a contiguous block of each batch's windows.
  void distribute(const Communicator& group) override { group_ = &group; }

 private:
  Forecaster forecaster_;
  ForecastData data_;
  std::string path_;
  ScaleKind scale_;
  uint64_t seed_;
  WindowBatcher batcher_;
  const Communicator* group_ = &single_process();
  std::vector<int64_t> starts_;  // the global batch's windows
  WindowBatch batch_;            // this process's windows of it
};

}  // namespace recur
