// WindowBatcher: forecast windows (forecast_windows.h) as float batches for a
// recurrent model, scaled by a Scaler fitted on the training rows.
//
//   inputs         [lookback, B, F]  time-major; row s + t of window b at (t, b),
//                                    F = series.input_width() (scaled numeric
//                                    inputs, then one-hot and calendar columns)
//   targets        [B, horizon, T]   scaled targets of rows s + lookback + h
//   future_inputs  [horizon, B, F]   the input rows of the target steps, for
//                                    autoregressive feeding: step h's prediction
//                                    replaces the target columns of row h (they
//                                    are input columns 0..T-1 when targets are
//                                    inputs), the rest are the known covariates
//   starts         B window starts, to find dates and original values
//
// Order: shuffled per epoch (Fisher-Yates over the windows with an Rng seeded
// from (seed, epoch), so any epoch's order is reproducible from the seed
// alone), or in time order with shuffle off (evaluation). The last batch of an
// epoch is smaller when B does not divide the window count. The position
// (epoch, index into the epoch's order) is all a checkpoint needs for an exact
// resume.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "recur/forecast_windows.h"
#include "recur/scaler.h"
#include "recur/tensor.h"
#include "recur/time_series.h"

namespace recur {

struct WindowBatch {
  Tensor<float> inputs;         // [lookback, B, F]
  Tensor<float> targets;        // [B, horizon, T]
  Tensor<float> future_inputs;  // [horizon, B, F]
  std::vector<int64_t> starts;  // B
  int64_t size() const { return static_cast<int64_t>(starts.size()); }
};

struct BatchPosition {
  int64_t epoch = 0;
  int64_t index = 0;  // windows of this epoch already served
  nlohmann::json to_json() const { return {{"epoch", epoch}, {"index", index}}; }
  static BatchPosition from_json(const nlohmann::json& json);
};

class WindowBatcher {
 public:
  // `scaler` covers the series' numeric columns (series.numeric_names, in
  // order). Throws std::invalid_argument when batch_size < 1, a start leaves
  // the series, or the scaler does not match the series' columns.
  WindowBatcher(const TimeSeries& series, const Scaler& scaler, std::vector<int64_t> starts, WindowShape shape,
                int64_t batch_size, bool shuffle, uint64_t seed);

  int64_t windows() const { return static_cast<int64_t>(starts_.size()); }
  int64_t batch_size() const { return batch_size_; }
  int64_t batches_per_epoch() const { return (windows() + batch_size_ - 1) / batch_size_; }
  const WindowShape& shape() const { return shape_; }
  int64_t input_width() const { return input_width_; }
  int64_t target_width() const { return target_width_; }

  BatchPosition position() const { return position_; }
  // Throws std::out_of_range unless 0 <= index <= windows() and epoch >= 0.
  void set_position(const BatchPosition& position);
  bool exhausted() const { return position_.index >= windows(); }
  // To the start of the next epoch.
  void start_next_epoch() { set_position({position_.epoch + 1, 0}); }

  // Fills `batch` with the next windows and advances; false, leaving `batch`
  // untouched, when the epoch is used up.
  bool next(WindowBatch& batch);
  // The same, giving only the next windows' starts (to fill a part of them:
  // a process's shard in data-parallel training).
  bool next_starts(std::vector<int64_t>& starts);

  // Any windows, e.g. the last `lookback` rows of a file for predict: inputs
  // only need rows [s, s + lookback), so s may be up to rows - lookback.
  void fill_inputs(std::span<const int64_t> starts, Tensor<float>& inputs) const;
  // Inputs, targets and future inputs of complete windows.
  void fill(std::span<const int64_t> starts, WindowBatch& batch) const;

 private:
  void fill_rows(std::span<const int64_t> starts, int64_t first_row, int64_t steps, Tensor<float>& out) const;
  const std::vector<int64_t>& order_of_epoch();

  std::vector<int64_t> starts_;
  WindowShape shape_;
  int64_t batch_size_ = 1;
  bool shuffle_ = false;
  uint64_t seed_ = 0;
  int64_t rows_ = 0, input_width_ = 0, target_width_ = 0;
  std::vector<float> inputs_;   // [rows, F], scaled
  std::vector<float> targets_;  // [rows, T], scaled
  BatchPosition position_;
  int64_t order_epoch_ = -1;  // the epoch order_ was drawn for
  std::vector<int64_t> order_;
  std::vector<int64_t> next_starts_;  // next()'s scratch
};

}  // namespace recur
