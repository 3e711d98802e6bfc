#include "recur/char_lm_evaluation.h"

#include <algorithm>
#include <stdexcept>

#include "recur/stream_batcher.h"

namespace recur {

CharEvaluation evaluate_tokens(LanguageModel& model, std::span<const int64_t> tokens, int64_t streams,
                               int64_t steps) {
  const auto n = static_cast<int64_t>(tokens.size());
  if (n < 2) throw std::invalid_argument("evaluation needs at least 2 tokens, got " + std::to_string(n));
  if (streams < 1 || steps < 1) throw std::invalid_argument("evaluation streams and steps must be >= 1");
  streams = std::clamp<int64_t>((n - 1) / steps, 1, streams);
  StreamBatcher batcher(std::vector<int64_t>(tokens.begin(), tokens.end()), streams, steps);
  StreamBatch batch;
  RecurrentState<float> state;
  CharEvaluation result;
  result.streams = streams;
  while (batcher.next(batch)) {
    const CrossEntropyResult<float> loss =
        model.forward(batch.inputs, batch.targets, batch.steps, batch.streams, state, /*training=*/false, nullptr);
    result.total_nats += loss.sum_loss;
    result.count += loss.count;
  }
  return result;
}

}  // namespace recur
