// The engine choice for float Recurrent layers: oneDNN's RNN primitives
// (onednn_layer.h) or recur's own kernels, by the RECUR_ENGINE policy and by
// the work of a step or call, measured on 2 cores (docs/benchmarks.md). The
// work is weighed in step_flops_per_token (recur/recurrent.h), defined here
// and counted by `recur bench` as well.
#pragma once

#include <cstdint>

#include "nn/length_segments.h"

namespace recur::onednn {

// Which engine float layers run on. From RECUR_ENGINE, read once: unset =
// Auto (oneDNN where measured faster), onednn = Always (wherever it can run:
// the tests use it to reach every path), recur = Never. Any other value
// throws std::invalid_argument naming it.
enum class Policy { Auto, Always, Never };
Policy policy();
// Overrides RECUR_ENGINE for this process (tests).
void set_policy(Policy policy);

// Whether this build has oneDNN and the policy is not Never.
bool enabled();

// Whether a full-length batch runs faster on oneDNN than on our own kernels:
// it does unless each time step is very small (a few hundred thousand
// multiply-adds), where a primitive's per-step overhead outweighs its speed.
bool worth_full_length(int64_t batch, double flops_per_token);

// Whether a variable-length batch runs faster as oneDNN time segments than on
// our own kernels. Each distinct length costs a primitive call per layer and
// direction (and a new shape a primitive to make), which pays off when each
// call has enough work: flops_per_token is a training step's (forward and
// backward) per token and layer.
bool worth_segmenting(const LengthSegments& segments, double flops_per_token);

}  // namespace recur::onednn
