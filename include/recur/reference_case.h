// Reference cases: PyTorch's answer for one Recurrent configuration, stored as
// a safetensors file, and the check that recur gives the same answer.
//
// A case (docs/reference-format.md; written by scripts/make_reference.py) holds
//   parameters     weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse, l1...
//   inputs         input [T,B,I], h0 [L*D,B,H], c0 (LSTM), lengths [B] (I64, optional)
//   upstream grads grad_output [T,B,D*H], grad_hn, grad_cn (LSTM)
//   expected       output, hn, cn (LSTM), grad_input, grad_h0, grad_c0 (LSTM),
//                  grad.<parameter name> for every parameter
// and in metadata "recur.reference" the JSON configuration
//   {"cell": "rnn_tanh|rnn_relu|lstm|gru", "input_size", "hidden_size",
//    "num_layers", "bidirectional", "seq_len", "batch", "bias" (optional, true)}.
// All floating tensors are F32 or all are F64; the case runs in that precision.
//
// Error measure, per tensor:   max_i |actual_i - expected_i| / max(max_i |expected_i|, floor)
// i.e. the worst absolute difference relative to the tensor's own scale. Scaling
// by the whole tensor rather than each element keeps float32 rounding in tiny
// elements (relative noise ~1e-3 on a value of 1e-6) from failing a correct
// result, while any real mismatch moves some element by a sizeable fraction of
// the scale. The floor (1e-6) matters only for a tensor that is all ~zero, where
// it turns the measure into an absolute one.
//
// Output past a sequence's length (t >= lengths[b]) is compared against zero,
// whatever the file holds there: that is recur's and PyTorch's packed semantics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/recurrent.h"
#include "recur/safetensors.h"

namespace recur {

// The metadata key holding the configuration JSON.
inline constexpr const char* kReferenceMetadataKey = "recur.reference";
// Scale floor of the error measure (see above).
inline constexpr double kReferenceScaleFloor = 1e-6;

struct ReferenceConfig {
  RecurrentOptions options;
  int64_t seq_len = 0;
  int64_t batch = 0;
};

// Parses and validates the "recur.reference" JSON; throws FormatError naming `source`.
ReferenceConfig parse_reference_config(const std::string& json_text, const std::string& source);

struct TensorComparison {
  std::string name;
  double max_relative_error = 0;  // the measure above
  double max_absolute_error = 0;
};

struct ReferenceResult {
  std::string path;
  ReferenceConfig config;
  bool double_precision = false;  // the case's tensors are F64
  bool variable_lengths = false;  // the case has `lengths`
  double tolerance = 0;           // the bar for this precision (reference_tolerance)
  std::vector<TensorComparison> comparisons;

  double worst_error() const;
  bool passed() const { return worst_error() <= tolerance; }
};

// 1e-4 for float, 1e-9 for double: the largest error a correct implementation
// reaches on the committed cases, with a wide margin (docs/reference-format.md).
double reference_tolerance(bool double_precision);

// Loads the case, runs forward and backward, and compares every expected tensor.
// Throws FormatError (naming the file and the tensor) for a malformed case; a
// numeric mismatch is not an error but a result that does not pass.
ReferenceResult run_reference_case(const std::string& path);

// The error measure above, over two equally long arrays.
TensorComparison compare_tensors(const std::string& name, const double* actual, const double* expected, int64_t n);

}  // namespace recur
