#include "recur/forecast_model.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "models/config_json.h"
#include "recur/option_error.h"

namespace recur {

namespace {
RecurrentOptions recurrent_options(const ForecastModelConfig& c) {
  c.validate();
  const bool projected = needs_hidden_width_projection(c.cell, c.input_size, c.hidden_size);
  return {.cell = c.cell, .input_size = projected ? c.hidden_size : c.input_size, .hidden_size = c.hidden_size,
          .num_layers = c.num_layers,
          .dropout = c.dropout, .gru_reset = c.gru_reset};
}

// The head's outputs: every step at once (direct) or one step (autoregressive).
int64_t head_outputs(const ForecastModelConfig& c) { return c.autoregressive ? c.targets : c.horizon * c.targets; }

std::string got(int64_t value) { return ", got " + std::to_string(value); }
}  // namespace

void ForecastModelConfig::validate() const {
  if (hidden_size < 1) throw OptionError("hidden_size", "hidden size must be >= 1" + got(hidden_size));
  if (num_layers < 1) throw OptionError("num_layers", "layers must be >= 1" + got(num_layers));
  if (!(dropout >= 0 && dropout < 1)) throw OptionError("dropout", "dropout must be in [0, 1)");
  if (horizon < 1) throw OptionError("horizon", "horizon must be >= 1" + got(horizon));
  if (!(huber_delta > 0)) throw OptionError("huber_delta", "the Huber delta must be > 0");
  if (targets < 1) throw std::invalid_argument("a forecast model needs at least one target" + got(targets));
  if (input_size < targets)
    throw std::invalid_argument("a forecast model's inputs (" + std::to_string(input_size) +
                                ") must include its targets (" + std::to_string(targets) + ")");
  if (known_future_begin >= 0 && (known_future_begin < targets || known_future_begin > input_size))
    throw std::invalid_argument("known future columns must begin after the targets and within the inputs" +
                                got(known_future_begin));
}

nlohmann::json ForecastModelConfig::to_json() const {
  nlohmann::json json = {{"cell", cell_name(cell)},
          {"gru_reset", gru_reset_name(gru_reset)},
          {"input_size", input_size},
          {"hidden_size", hidden_size},
          {"num_layers", num_layers},
          {"dropout", dropout},
          {"targets", targets},
          {"horizon", horizon},
          {"autoregressive", autoregressive},
          {"residual", residual},
          {"known_future_begin", known_begin()},
          {"loss", regression_loss_name(loss)},
          {"huber_delta", huber_delta}};
  init.write_json(json);
  return json;
}

ForecastModelConfig ForecastModelConfig::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("model configuration is not a JSON object");
  ForecastModelConfig c;
  c.cell = parse_cell(required<std::string>(json, "cell"));
  c.gru_reset = gru_reset_from_json(json);
  c.input_size = required<int64_t>(json, "input_size");
  c.hidden_size = required<int64_t>(json, "hidden_size");
  c.num_layers = required<int64_t>(json, "num_layers");
  c.dropout = required<double>(json, "dropout");
  c.targets = required<int64_t>(json, "targets");
  c.horizon = required<int64_t>(json, "horizon");
  c.autoregressive = required<bool>(json, "autoregressive");
  c.residual = optional_key<bool>(json, "residual", false);
  c.known_future_begin = required<int64_t>(json, "known_future_begin");
  c.loss = parse_regression_loss(required<std::string>(json, "loss"));
  c.huber_delta = required<double>(json, "huber_delta");
  c.init = RecurrentInit::from_json(json);
  c.validate();
  return c;
}

template <typename T>
ForecastModel<T>::ForecastModel(const ForecastModelConfig& config, Rng& rng)
    : config_(config),
      projection_(config.cell, config.input_size, config.hidden_size, rng),
      rnn_(recurrent_options(config), rng),
      head_(config.hidden_size, head_outputs(config), rng) {
  prefix_names(projection_.parameters(), std::string("projection"));
  prefix_names(rnn_.parameters(), std::string("rnn"));
  prefix_names(head_.parameters(), std::string("head"));
  initialise_recurrent(rnn_, config.init, rng);
}

template <typename T>
ParameterList<T> ForecastModel<T>::parameters() {
  ParameterList<T> list = projection_.parameters();
  append_parameters(list, rnn_.parameters());
  append_parameters(list, head_.parameters());
  return list;
}

template <typename T>
void ForecastModel<T>::check_shapes(const Tensor<T>& inputs, const Tensor<T>& future_inputs) const {
  if (inputs.rank() != 3 || inputs.dim(2) != config_.input_size || inputs.dim(0) < 1)
    throw std::invalid_argument("forecast model inputs must be [lookback, batch, " +
                                std::to_string(config_.input_size) + "], got " + shape_string(inputs.shape()));
  const Shape future{config_.horizon, inputs.dim(1), config_.input_size};
  if (config_.autoregressive && config_.horizon > 1 && future_inputs.shape() != future)
    throw std::invalid_argument("an autoregressive forecast needs future inputs " + shape_string(future) + ", got " +
                                shape_string(future_inputs.shape()));
}

template <typename T>
void ForecastModel<T>::feed_row(const T* last_observed, const T* future_row, const T* values, int64_t value_stride,
                                int64_t batch, T* row) const {
  const int64_t F = config_.input_size, targets = config_.targets, known = config_.known_begin();
  for (int64_t b = 0; b < batch; ++b) {
    T* out = row + b * F;
    std::copy_n(values + b * value_stride, targets, out);
    std::copy(last_observed + b * F + targets, last_observed + b * F + known, out + targets);
    std::copy(future_row + b * F + known, future_row + (b + 1) * F, out + known);
  }
}

template <typename T>
void ForecastModel<T>::add_last_values(const T* rows, int64_t batch, T* forecast, int64_t stride) const {
  if (!config_.residual) return;
  const int64_t F = config_.input_size, K = config_.targets;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t k = 0; k < K; ++k) forecast[b * stride + k] += rows[b * F + k];
}

template <typename T>
void ForecastModel<T>::run_direct(const Tensor<T>& inputs, bool training, Rng* rng) {
  const int64_t L = inputs.dim(0), B = inputs.dim(1), Hd = config_.hidden_size;
  rnn_.forward(projection_.forward(inputs), {}, {}, rnn_output_, final_, training, rng);
  last_output_.resize({B, Hd});
  std::copy_n(rnn_output_.data() + (L - 1) * B * Hd, B * Hd, last_output_.data());
  head_.forward(last_output_, head_output_);  // [B, H*T] is [B, H, T]
  out_.resize({B, config_.horizon, config_.targets});
  std::copy_n(head_output_.data(), out_.numel(), out_.data());
  const T* last_observed = inputs.data() + (L - 1) * B * config_.input_size;
  for (int64_t h = 0; h < config_.horizon; ++h)
    add_last_values(last_observed, B, out_.data() + h * config_.targets, config_.horizon * config_.targets);
}

template <typename T>
RegressionLossResult ForecastModel<T>::forward(const Tensor<T>& inputs, const Tensor<T>& future_inputs,
                                               const Tensor<T>& targets, bool training, Rng* rng) {
  check_shapes(inputs, future_inputs);
  const int64_t L = inputs.dim(0), B = inputs.dim(1), F = config_.input_size, H = config_.horizon,
                K = config_.targets, Hd = config_.hidden_size;
  if (targets.shape() != Shape{B, H, K})
    throw std::invalid_argument("forecast targets must be " + shape_string({B, H, K}) + ", got " +
                                shape_string(targets.shape()));
  last_forward_autoregressive_ = config_.autoregressive;
  if (!config_.autoregressive) {
    run_direct(inputs, training, rng);
    return regression_loss(config_.loss, out_, targets, &grad_out_, config_.huber_delta);
  }
  // Teacher forcing: the lookback, then the rows fed for steps 1..H-1 built
  // from the actual values of steps 0..H-2.
  const int64_t S = L + H - 1;
  sequence_.resize({S, B, F});
  std::copy_n(inputs.data(), L * B * F, sequence_.data());
  const T* last_observed = inputs.data() + (L - 1) * B * F;
  for (int64_t h = 1; h < H; ++h)
    feed_row(last_observed, future_inputs.data() + (h - 1) * B * F, targets.data() + (h - 1) * K, H * K, B,
             sequence_.data() + (L - 1 + h) * B * F);
  rnn_.forward(projection_.forward(sequence_), {}, {}, rnn_output_, final_, training, rng);
  // Steps L-1..S-1 forecast steps 0..H-1: one contiguous block [H*B, Hd].
  head_input_.resize({H * B, Hd});
  std::copy_n(rnn_output_.data() + (L - 1) * B * Hd, H * B * Hd, head_input_.data());
  head_.forward(head_input_, head_output_);  // [H*B, T], time-major
  out_.resize({B, H, K});
  for (int64_t h = 0; h < H; ++h)
    for (int64_t b = 0; b < B; ++b)
      std::copy_n(head_output_.data() + (h * B + b) * K, K, out_.data() + (b * H + h) * K);
  for (int64_t h = 0; h < H; ++h)  // step h read sequence row L-1+h last
    add_last_values(sequence_.data() + (L - 1 + h) * B * F, B, out_.data() + h * K, H * K);
  return regression_loss(config_.loss, out_, targets, &grad_out_, config_.huber_delta);
}

template <typename T>
void ForecastModel<T>::backward() {
  const int64_t B = out_.dim(0), H = config_.horizon, K = config_.targets, Hd = config_.hidden_size;
  const int64_t steps = rnn_output_.dim(0);
  grad_rnn_output_.resize(rnn_output_.shape());
  grad_rnn_output_.zero();
  if (!last_forward_autoregressive_) {
    grad_head_output_.resize({B, H * K});
    std::copy_n(grad_out_.data(), grad_out_.numel(), grad_head_output_.data());
    head_.backward(grad_head_output_, grad_head_input_);  // [B, Hd]
    std::copy_n(grad_head_input_.data(), B * Hd, grad_rnn_output_.data() + (steps - 1) * B * Hd);
  } else {
    grad_head_output_.resize({H * B, K});
    for (int64_t h = 0; h < H; ++h)
      for (int64_t b = 0; b < B; ++b)
        std::copy_n(grad_out_.data() + (b * H + h) * K, K, grad_head_output_.data() + (h * B + b) * K);
    head_.backward(grad_head_output_, grad_head_input_);  // [H*B, Hd]
    std::copy_n(grad_head_input_.data(), H * B * Hd, grad_rnn_output_.data() + (steps - H) * B * Hd);
  }
  rnn_.backward(grad_rnn_output_, {}, grad_input_, grad_initial_);
  projection_.backward(grad_input_);
}

template <typename T>
void ForecastModel<T>::forecast(const Tensor<T>& inputs, const Tensor<T>& future_inputs, Tensor<T>& forecast) {
  check_shapes(inputs, future_inputs);
  const int64_t L = inputs.dim(0), B = inputs.dim(1), F = config_.input_size, H = config_.horizon,
                K = config_.targets, Hd = config_.hidden_size;
  forecast.resize({B, H, K});
  if (!config_.autoregressive) {
    run_direct(inputs, /*training=*/false, nullptr);
    std::copy_n(out_.data(), out_.numel(), forecast.data());
    return;
  }
  // The lookback once, then one step per forecast, each fed the last forecast.
  rnn_.forward(projection_.forward(inputs), {}, {}, rnn_output_, final_, /*training=*/false, nullptr);
  last_output_.resize({B, Hd});
  std::copy_n(rnn_output_.data() + (L - 1) * B * Hd, B * Hd, last_output_.data());
  const T* last_observed = inputs.data() + (L - 1) * B * F;
  for (int64_t h = 0; h < H; ++h) {
    if (h > 0) {
      step_input_.resize({1, B, F});
      feed_row(last_observed, future_inputs.data() + (h - 1) * B * F, step_forecast_.data(), K, B,
               step_input_.data());
      rnn_.forward(projection_.forward(step_input_), final_, {}, step_output_, other_final_, /*training=*/false,
                   nullptr);
      std::swap(final_, other_final_);
      std::copy_n(step_output_.data(), B * Hd, last_output_.data());
    }
    head_.forward(last_output_, step_forecast_);  // [B, T]
    add_last_values(h == 0 ? last_observed : step_input_.data(), B, step_forecast_.data(), K);
    for (int64_t b = 0; b < B; ++b) std::copy_n(step_forecast_.data() + b * K, K, forecast.data() + (b * H + h) * K);
  }
}

template class ForecastModel<float>;
template class ForecastModel<double>;

}  // namespace recur
