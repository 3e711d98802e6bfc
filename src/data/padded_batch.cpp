#include "recur/padded_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace recur {

BatchLayout layout_batch(std::span<const int64_t> examples, std::span<const int64_t> example_lengths) {
  if (examples.empty()) throw std::invalid_argument("layout_batch: no examples");
  BatchLayout layout;
  layout.examples.assign(examples.begin(), examples.end());
  std::stable_sort(layout.examples.begin(), layout.examples.end(),
                   [&](int64_t a, int64_t b) { return example_lengths[a] > example_lengths[b]; });
  layout.batch = static_cast<int64_t>(examples.size());
  for (int64_t e : layout.examples) {
    const int64_t length = example_lengths[e];
    if (length < 1) throw std::invalid_argument(fmt::format("layout_batch: example {} has length {}", e, length));
    layout.lengths.push_back(length);
  }
  layout.steps = layout.lengths.front();
  return layout;
}

std::vector<int64_t> pad_ids(const BatchLayout& layout, std::span<const std::vector<int64_t>> sequences, int64_t pad) {
  const int64_t B = layout.batch;
  std::vector<int64_t> ids(static_cast<size_t>(layout.steps * B), pad);
  for (int64_t r = 0; r < B; ++r) {
    const std::vector<int64_t>& seq = sequences[static_cast<size_t>(layout.examples[r])];
    if (static_cast<int64_t>(seq.size()) != layout.lengths[r])
      throw std::invalid_argument(fmt::format("pad_ids: example {} has {} ids, its length is {}", layout.examples[r],
                                              seq.size(), layout.lengths[r]));
    for (int64_t t = 0; t < layout.lengths[r]; ++t) ids[static_cast<size_t>(t * B + r)] = seq[static_cast<size_t>(t)];
  }
  return ids;
}

std::vector<int64_t> gather_targets(const BatchLayout& layout, std::span<const int64_t> per_example) {
  std::vector<int64_t> targets(static_cast<size_t>(layout.batch));
  for (int64_t r = 0; r < layout.batch; ++r) targets[static_cast<size_t>(r)] = per_example[static_cast<size_t>(layout.examples[r])];
  return targets;
}

void pad_frames(const BatchLayout& layout, const FrameSequences& data, Tensor<float>& out) {
  const int64_t B = layout.batch, F = data.width;
  out.resize({layout.steps, B, F});
  std::fill(out.data(), out.data() + out.numel(), 0.0f);
  for (int64_t r = 0; r < B; ++r) {
    const FrameSequence& seq = data.sequences[static_cast<size_t>(layout.examples[r])];
    if (seq.steps != layout.lengths[r])
      throw std::invalid_argument(fmt::format("pad_frames: sequence {} has {} frames, its length is {}",
                                              layout.examples[r], seq.steps, layout.lengths[r]));
    for (int64_t t = 0; t < seq.steps; ++t)
      std::copy_n(seq.values.data() + t * F, F, out.data() + (t * B + r) * F);
  }
}

}  // namespace recur
