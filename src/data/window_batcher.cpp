#include "recur/window_batcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "recur/rng.h"

namespace recur {

BatchPosition BatchPosition::from_json(const nlohmann::json& json) {
  try {
    return {json.at("epoch").get<int64_t>(), json.at("index").get<int64_t>()};
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("bad batch position in the checkpoint: {}", e.what()));
  }
}

WindowBatcher::WindowBatcher(const TimeSeries& series, const Scaler& scaler, std::vector<int64_t> starts,
                             WindowShape shape, int64_t batch_size, bool shuffle, uint64_t seed)
    : starts_(std::move(starts)), shape_(shape), batch_size_(batch_size), shuffle_(shuffle), seed_(seed) {
  shape_.validate();
  if (batch_size < 1) throw std::invalid_argument(fmt::format("batch size must be at least 1, got {}", batch_size));
  if (scaler.names() != series.numeric_names)
    throw std::invalid_argument(fmt::format("the scaler's columns ({}) are not the series' numeric columns ({})",
                                            fmt::join(scaler.names(), ", "), fmt::join(series.numeric_names, ", ")));
  rows_ = series.rows();
  for (const int64_t s : starts_)
    if (s < 0 || s + shape_.span() > rows_)
      throw std::invalid_argument(fmt::format("window start {} leaves the {} rows of the series", s, rows_));

  // Scaled once here, so that a batch is only copying.
  input_width_ = series.input_width();
  target_width_ = series.target_count;
  const int64_t numeric_width = series.numeric_width(), encoded_width = series.encoded_width();
  const int64_t first_numeric = series.input_numeric_begin();
  inputs_.resize(static_cast<size_t>(rows_ * input_width_));
  targets_.resize(static_cast<size_t>(rows_ * target_width_));
  for (int64_t r = 0; r < rows_; ++r) {
    float* in = &inputs_[r * input_width_];
    for (int64_t c = first_numeric; c < numeric_width; ++c)
      *in++ = static_cast<float>(scaler.transform(c, series.value(r, c)));
    for (int64_t e = 0; e < encoded_width; ++e) *in++ = static_cast<float>(series.encoded[r * encoded_width + e]);
    for (int64_t k = 0; k < target_width_; ++k)
      targets_[r * target_width_ + k] = static_cast<float>(scaler.transform(k, series.target(r, k)));
  }
}

void WindowBatcher::set_position(const BatchPosition& position) {
  if (position.epoch < 0 || position.index < 0 || position.index > windows())
    throw std::out_of_range(fmt::format("batch position (epoch {}, window {}) outside the {} windows of an epoch",
                                        position.epoch, position.index, windows()));
  position_ = position;
}

const std::vector<int64_t>& WindowBatcher::order_of_epoch() {
  if (order_epoch_ == position_.epoch) return order_;
  order_ = starts_;
  if (shuffle_) {
    // Seeded from (seed, epoch) alone: resuming at any epoch draws the same order.
    Rng rng(seed_ + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(position_.epoch + 1));
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
  }
  order_epoch_ = position_.epoch;
  return order_;
}

bool WindowBatcher::next_starts(std::vector<int64_t>& starts) {
  if (exhausted()) return false;
  const auto& order = order_of_epoch();
  const int64_t count = std::min(batch_size_, windows() - position_.index);
  const auto first = order.begin() + position_.index;
  starts.assign(first, first + count);
  position_.index += count;
  return true;
}

bool WindowBatcher::next(WindowBatch& batch) {
  if (!next_starts(next_starts_)) return false;
  fill(next_starts_, batch);
  return true;
}

void WindowBatcher::fill_rows(std::span<const int64_t> starts, int64_t first_row, int64_t steps,
                              Tensor<float>& out) const {
  const auto batch = static_cast<int64_t>(starts.size());
  out.resize({steps, batch, input_width_});
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t row = starts[b] + first_row + t;
      if (row < 0 || row >= rows_)
        throw std::invalid_argument(fmt::format("window start {} needs row {}, outside the {} rows", starts[b], row, rows_));
      std::copy_n(&inputs_[row * input_width_], input_width_, &out[(t * batch + b) * input_width_]);
    }
}

void WindowBatcher::fill_inputs(std::span<const int64_t> starts, Tensor<float>& inputs) const {
  fill_rows(starts, 0, shape_.lookback, inputs);
}

void WindowBatcher::fill(std::span<const int64_t> starts, WindowBatch& batch) const {
  const auto size = static_cast<int64_t>(starts.size());
  fill_rows(starts, 0, shape_.lookback, batch.inputs);
  fill_rows(starts, shape_.lookback, shape_.horizon, batch.future_inputs);
  batch.targets.resize({size, shape_.horizon, target_width_});
  for (int64_t b = 0; b < size; ++b)
    for (int64_t h = 0; h < shape_.horizon; ++h)
      std::copy_n(&targets_[(starts[b] + shape_.lookback + h) * target_width_], target_width_,
                  &batch.targets[(b * shape_.horizon + h) * target_width_]);
  batch.starts.assign(starts.begin(), starts.end());
}

}  // namespace recur
