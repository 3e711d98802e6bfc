// The engine choice: see onednn_engine.h.
#include "nn/onednn_engine.h"

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "recur/recurrent.h"

namespace recur::onednn {

namespace {

Policy policy_from_environment() {
  const char* e = std::getenv("RECUR_ENGINE");
  const std::string engine = e ? e : "";
  if (engine == "") return Policy::Auto;
  if (engine == "onednn") return Policy::Always;
  if (engine == "recur") return Policy::Never;
  throw std::invalid_argument("RECUR_ENGINE must be recur or onednn (or unset), got '" + engine + "'");
}

std::optional<Policy>& policy_override() {
  static std::optional<Policy> chosen;
  return chosen;
}

}  // namespace

Policy policy() {
  static const Policy from_environment = policy_from_environment();
  return policy_override().value_or(from_environment);
}

void set_policy(Policy p) { policy_override() = p; }

}  // namespace recur::onednn

namespace recur {

double step_flops_per_token(const RecurrentOptions& options) {
  const CellInfo& cell = cell_info(options.cell);
  const double H = double(options.hidden_size);
  double sum = 0;
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    const double in = layer == 0 ? double(options.input_size) : double(options.directions()) * H;
    sum += 3.0 * 2.0 * H * (double(cell.input_blocks) * in + double(cell.hidden_blocks) * H);
  }
  return sum / double(options.num_layers);
}

}  // namespace recur

namespace recur::onednn {

bool worth_full_length(int64_t batch, double flops_per_token) {
  if (policy() == Policy::Always) return true;
  // Measured on 2 cores, 2-layer stacks at full length (docs/benchmarks.md):
  // oneDNN ran 0.79-0.94x of our kernels at 0.6-0.8 MFLOP per time step (a
  // training step's, per layer), 1.00-1.15x at 1.6 MFLOP and 1.47x at 6.3.
  constexpr double kMinFlopsPerStep = 1.2e6;
  return static_cast<double>(batch) * flops_per_token >= kMinFlopsPerStep;
}

bool worth_segmenting(const LengthSegments& segments, double flops_per_token) {
  if (policy() == Policy::Always) return true;
  // Measured by bench/varlen_sweep on 2 cores (docs/benchmarks.md): where a
  // call averaged 73 MFLOP or more, segments beat our kernels on every shape
  // (1.07-1.59x); at 33 MFLOP or less they ranged from 0.57x (H 32, lengths
  // drawn anew every batch) to 1.07x.
  constexpr double kMinFlopsPerCall = 40e6;
  double tokens = 0;  // one call per segment, per layer and direction
  for (const TimeSegment& seg : segments.segments) tokens += static_cast<double>(seg.steps() * seg.batch);
  return tokens / static_cast<double>(segments.segments.size()) * flops_per_token >= kMinFlopsPerCall;
}

#ifdef RECUR_HAVE_ONEDNN
bool enabled() { return policy() != Policy::Never; }
#else
bool enabled() { return false; }
#endif

}  // namespace recur::onednn
