// ForecastModel: a recurrent forecaster over windows of a time series, in
// scaled units (scaler.h). A Recurrent stack (RNN, LSTM or GRU) reads the
// lookback rows; a Linear head turns its top output into forecasts.
//
//   inputs         [L, B, F]  the lookback rows (window_batcher.h), targets in columns 0..T-1
//   future_inputs  [H, B, F]  the input rows of the forecast steps (autoregressive only)
//   targets        [B, H, T]  what to forecast
//   forecast       [B, H, T]
//
// Direct (the default): the head reads the last step's output [B, Hd] and
// gives all H*T values at once, one output per future step ("head.weight"
// [H*T, Hd]).
//
// Autoregressive: a one-step model ("head.weight" [T, Hd]) applied at every
// step; step h's forecast is fed back as the targets of the next input row.
// The row fed for step h >= 1 is built from what is known at the forecast
// origin (feed_row): the targets are the value of step h-1, the columns from
// `known_future_begin` on (calendar features: the dates are known) come from
// future_inputs row h-1, and every other column (other measured features,
// one-hot categories) keeps the last observed row's value, since their future
// is unknown. At forecast time the value of step h-1 is the model's own
// prediction. In training it is the actual value (teacher forcing), so that
// one pass over the L + H - 1 rows trains all H steps; the error that then
// compounds at forecast time is what validation measures (ForecastTask
// validates the free-running forecast).
//
// Residual (`residual`): the head forecasts the change from the target value
// in the row the model read last (the last observed row; for autoregressive
// steps after the first, the value fed back), and that value is added to it,
// so that a head of zeros is persistence. The added value is data, not a
// parameter: backward is unchanged.
//
// Checkpoint names: "rnn.<PyTorch name>", "head.weight", "head.bias", and for
// MUT1 / MUT2 with F != hidden_size "projection.weight" [hidden, F], "projection.bias"
// (hidden_width_input.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

#include "recur/hidden_width_input.h"
#include "recur/linear.h"
#include "recur/recurrent.h"
#include "recur/recurrent_init.h"
#include "recur/regression_loss.h"

namespace recur {

struct ForecastModelConfig {
  CellKind cell = CellKind::Lstm;
  GruReset gru_reset = GruReset::AfterProduct;
  int64_t input_size = 0;  // F
  int64_t hidden_size = 64;
  int64_t num_layers = 1;
  double dropout = 0.0;  // between recurrent layers
  int64_t targets = 1;   // T
  int64_t horizon = 1;   // H
  bool autoregressive = false;
  bool residual = false;  // forecast = last value + head (see above)
  // Input columns [known_future_begin, input_size) are known ahead of time
  // (calendar features); -1 means none (input_size).
  int64_t known_future_begin = -1;
  RegressionLoss loss = RegressionLoss::Mse;
  double huber_delta = 1.0;
  RecurrentInit init = {};  // applied to the stack on construction (recurrent_init.h)

  int64_t known_begin() const { return known_future_begin < 0 ? input_size : known_future_begin; }
  // Throws OptionError naming the option (hidden_size, num_layers, ...).
  void validate() const;
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming a missing or bad key.
  static ForecastModelConfig from_json(const nlohmann::json& json);
};

template <typename T>
class ForecastModel {
 public:
  ForecastModel(const ForecastModelConfig& config, Rng& rng);

  const ForecastModelConfig& config() const { return config_; }
  ParameterList<T> parameters();
  Recurrent<T>& recurrent() { return rnn_; }
  Linear<T>& head() { return head_; }

  // The loss of the windows' forecast (teacher-forced when autoregressive),
  // keeping what backward needs. `future_inputs` may be empty when direct.
  RegressionLossResult forward(const Tensor<T>& inputs, const Tensor<T>& future_inputs, const Tensor<T>& targets,
                               bool training, Rng* rng);
  // Adds d(mean loss of the last forward)/d(parameters) to the gradients.
  void backward();

  // The forecast [B, H, T], autoregressive ones feeding their own predictions
  // back. Uses the training workspaces: call backward before it, not after.
  void forecast(const Tensor<T>& inputs, const Tensor<T>& future_inputs, Tensor<T>& forecast);

 private:
  void check_shapes(const Tensor<T>& inputs, const Tensor<T>& future_inputs) const;
  // Direct: rnn over inputs, head on the last step -> out_ [B, H, T].
  void run_direct(const Tensor<T>& inputs, bool training, Rng* rng);
  // One fed row per batch entry into `row` [B, F]; `values` holds the T
  // targets of each entry at `value_stride` apart.
  void feed_row(const T* last_observed, const T* future_row, const T* values, int64_t value_stride, int64_t batch,
                T* row) const;
  // Residual only: adds each entry's T target values of `rows` [B, F] (the
  // rows read last) to `forecast`, whose entries are `stride` apart.
  void add_last_values(const T* rows, int64_t batch, T* forecast, int64_t stride) const;

  ForecastModelConfig config_;
  HiddenWidthInput<T> projection_;  // MUT1 / MUT2 with F != hidden_size only
  Recurrent<T> rnn_;
  Linear<T> head_;

  bool last_forward_autoregressive_ = false;
  Tensor<T> sequence_, rnn_output_, last_output_, head_input_, head_output_, out_, grad_out_, grad_head_output_,
      grad_head_input_, grad_rnn_output_, grad_input_, step_input_, step_output_, step_forecast_;
  RecurrentState<T> final_, other_final_, grad_initial_;
};

}  // namespace recur
