// GradientFlow: how far back the gradient of a trained (or fresh) recurrent
// model reaches — what `recur gradients` measures (docs/memory.md).
//
//   grad_norms  per layer and direction, for the loss at the last step of a
//               T-step sequence: ||dL/dh_k||, k = T-1 (distance 0) back to 0
//               (distance T-1), the mean over the batch of each sequence's
//               own gradient (its own last-step loss, not the batch mean).
//               The vanilla RNN's is a product of Jacobians W_hh^T diag(f'),
//               so it decays (or grows) geometrically with the distance.
//   spectra     per layer and direction, per gate block of W_hh (H rows
//               each: the RNN's one, LSTM i f g o, GRU r z n), its largest
//               singular values (singular_values.h: subspace iteration).
//   saturation  per layer and sigmoid gate (LSTM input, forget, output; GRU
//               reset, update): the fraction of activations below 0.1 and
//               above 0.9 over the batch's steps (Karpathy, Johnson &
//               Fei-Fei 2016), for a char model (activation_recording.h).
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

#include "recur/language_model.h"
#include "recur/recurrent.h"

namespace recur {

struct UnitGradientFlow {
  int64_t layer = 0, direction = 0;
  std::vector<double> grad_norms;  // [T], index = distance from the last step
};

struct WeightSpectrum {
  int64_t layer = 0, direction = 0;
  std::string block;                    // "W_hh" (one block), else "W_h<gate initial>" ("W_hf")
  std::vector<double> singular_values;  // largest first
};

struct GateSaturation {
  int64_t layer = 0;
  std::string gate;
  double low = 0, high = 0;  // fractions of activations < 0.1 and > 0.9
};

struct GradientFlow {
  std::string cell;
  int64_t steps = 0, batch = 0;
  std::vector<UnitGradientFlow> units;
  std::vector<WeightSpectrum> spectra;
  std::vector<GateSaturation> saturation;

  nlohmann::json to_json() const;
  static GradientFlow from_json(const nlohmann::json& json);  // throws std::invalid_argument
  // One tidy table: quantity,layer,direction,name,index,value — grad_norm
  // (index = distance), singular_value (name = block, index = rank from 0),
  // saturated_low / saturated_high (name = gate).
  std::string to_csv() const;
  // log ||dL/dh_k|| against the distance, one line per layer (and direction).
  std::string svg(const std::string& title) const;
};

// Records the per-step state gradients of `rnn` while it is alive
// (Recurrent::observe_state_gradients) over a sequence of `steps` steps: the
// mean over the batch of each row's norm times `row_scale` (the batch size,
// when the loss is a mean over rows).
class StateGradientRecorder {
 public:
  StateGradientRecorder(Recurrent<float>& rnn, int64_t steps, double row_scale);
  ~StateGradientRecorder();
  StateGradientRecorder(const StateGradientRecorder&) = delete;
  StateGradientRecorder& operator=(const StateGradientRecorder&) = delete;
  // After one forward and backward: per unit, the norms by distance.
  std::vector<UnitGradientFlow> units() const { return units_; }

 private:
  Recurrent<float>& rnn_;
  std::vector<UnitGradientFlow> units_;
};

// The largest `count` singular values of every W_hh block of `rnn`.
std::vector<WeightSpectrum> recurrent_spectra(Recurrent<float>& rnn, int64_t count);

// A character language model on `tokens` (ids): `batch` windows of steps + 1
// tokens, spread evenly over the text, each read from a zero state; the loss is
// the cross-entropy of the last step's prediction. Throws std::invalid_argument
// when the text is shorter than steps + 1 tokens.
GradientFlow char_lm_gradient_flow(LanguageModel& model, std::span<const int64_t> tokens, int64_t steps,
                                   int64_t batch, int64_t singular_values = 3);

}  // namespace recur
