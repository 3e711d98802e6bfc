#include "recur/length_bucket_batcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace recur {

namespace {

// Fisher-Yates, drawing from the batcher's own Rng.
template <typename Item>
void shuffle(std::vector<Item>& items, Rng& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

void sort_longest_first(std::span<int64_t> examples, std::span<const int64_t> lengths) {
  std::stable_sort(examples.begin(), examples.end(), [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
}

void append_batches(std::span<const int64_t> examples, int64_t batch_size, std::vector<std::vector<int64_t>>& batches) {
  for (size_t start = 0; start < examples.size(); start += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(examples.size(), start + static_cast<size_t>(batch_size));
    batches.emplace_back(examples.begin() + static_cast<std::ptrdiff_t>(start), examples.begin() + static_cast<std::ptrdiff_t>(end));
  }
}

void check_lengths(std::span<const int64_t> lengths, int64_t batch_size) {
  if (lengths.empty()) throw std::invalid_argument("batcher: no examples");
  if (batch_size < 1) throw std::invalid_argument(fmt::format("batch size must be at least 1 (got {})", batch_size));
  for (size_t i = 0; i < lengths.size(); ++i)
    if (lengths[i] < 1) throw std::invalid_argument(fmt::format("batcher: example {} has length {}", i, lengths[i]));
}

}  // namespace

LengthBucketBatcher::LengthBucketBatcher(std::vector<int64_t> lengths, int64_t batch_size, Rng rng, int64_t pool_batches)
    : lengths_(std::move(lengths)), batch_size_(batch_size), pool_batches_(pool_batches), rng_(rng) {
  check_lengths(lengths_, batch_size_);
  if (pool_batches_ < 0) throw std::invalid_argument("batcher: pool_batches must be >= 0");
  epoch_state_ = rng_.state();
  plan_epoch();
}

void LengthBucketBatcher::plan_epoch() {
  std::vector<int64_t> order(lengths_.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  shuffle(order, rng_);
  const size_t pool = pool_batches_ == 0 ? order.size() : static_cast<size_t>(pool_batches_ * batch_size_);
  batches_.clear();
  for (size_t start = 0; start < order.size(); start += pool) {
    const std::span<int64_t> chunk(order.data() + start, std::min(pool, order.size() - start));
    sort_longest_first(chunk, lengths_);
    append_batches(chunk, batch_size_, batches_);
  }
  shuffle(batches_, rng_);
  next_batch_ = 0;
}

bool LengthBucketBatcher::next(std::vector<int64_t>& examples) {
  if (exhausted()) return false;
  examples = batches_[static_cast<size_t>(next_batch_++)];
  return true;
}

void LengthBucketBatcher::new_epoch() {
  ++epoch_;
  epoch_state_ = rng_.state();
  plan_epoch();
}

nlohmann::json LengthBucketBatcher::position() const {
  return {{"epoch", epoch_}, {"rng", epoch_state_}, {"batch", next_batch_}};
}

void LengthBucketBatcher::restore(const nlohmann::json& position) {
  int64_t epoch = 0, batch = 0;
  Rng::State state{};
  try {
    epoch = position.at("epoch").get<int64_t>();
    batch = position.at("batch").get<int64_t>();
    state = position.at("rng").get<Rng::State>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("batcher position: ") + e.what());
  }
  rng_.set_state(state);
  epoch_state_ = state;
  plan_epoch();
  if (batch < 0 || batch > batches_per_epoch())
    throw std::invalid_argument(fmt::format("batcher position: batch {} outside an epoch of {} batches", batch,
                                            batches_per_epoch()));
  epoch_ = epoch;
  next_batch_ = batch;
}

std::vector<std::vector<int64_t>> evaluation_batches(std::span<const int64_t> lengths, int64_t batch_size,
                                                     bool sort_by_length) {
  check_lengths(lengths, batch_size);
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  if (sort_by_length) sort_longest_first(order, lengths);
  std::vector<std::vector<int64_t>> batches;
  append_batches(order, batch_size, batches);
  return batches;
}

}  // namespace recur
