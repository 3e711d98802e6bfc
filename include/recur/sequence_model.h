// SequenceModel: the model of `recur classify` (many-to-one) and `recur tag`
// (many-to-many, aligned):
//
//   SequenceInput [T, B, X] -> dropout -> Recurrent stack (uni- or bidirectional,
//   dropout between layers) [T, B, D*H] -> pooling over valid steps [B, D*H]
//   (classify) or every valid step [T*B, D*H] (tag) -> dropout -> Linear -> logits
//
//   logits  [B, C] (pooled), or [T * B, C] time-major (per step; rows past a
//           sequence's length are computed but their targets are kIgnoredTarget)
//
// Parameter names: "input.*" (sequence_input.h), "rnn.<PyTorch name>",
// "classifier.weight", "classifier.bias", and for MUT1 / MUT2 with X !=
// hidden_size "projection.weight" [hidden, X], "projection.bias" (hidden_width_input.h).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "recur/dropout.h"
#include "recur/hidden_width_input.h"
#include "recur/linear.h"
#include "recur/recurrent.h"
#include "recur/recurrent_init.h"
#include "recur/sequence_input.h"
#include "recur/sequence_pooling.h"

namespace recur {

struct SequenceModelConfig {
  SequenceInputConfig input;
  CellKind cell = CellKind::Lstm;
  int64_t hidden_size = 128;
  int64_t num_layers = 1;
  bool bidirectional = true;
  double dropout = 0.0;                // on the input, between layers and before the classifier
  std::optional<PoolingMode> pooling;  // set: one output per sequence; empty: one per step
  int64_t classes = 0;  // outputs of the final Linear: classes, or 1 for a regression (recur memory adding)
  RecurrentInit init = {};  // applied to the stack on construction (recurrent_init.h)

  // Throws OptionError naming the option.
  void validate() const;
  nlohmann::json to_json() const;
  static SequenceModelConfig from_json(const nlohmann::json& json);
};

template <typename T>
class SequenceModel {
 public:
  SequenceModel(const SequenceModelConfig& config, Rng& rng);

  const SequenceModelConfig& config() const { return config_; }
  ParameterList<T> parameters();
  SequenceInput<T>& input() { return input_; }
  Recurrent<T>& recurrent() { return rnn_; }

  // Keeps what backward needs (and a pointer to `batch`, which must outlive it).
  // `rng` draws dropout masks when training.
  const Tensor<T>& forward(const SequenceBatch& batch, bool training, Rng* rng);
  // grad_logits has the shape of the last logits; adds to the parameter gradients.
  void backward(const Tensor<T>& grad_logits);

 private:
  SequenceModelConfig config_;
  SequenceInput<T> input_;
  Dropout<T> input_dropout_;
  HiddenWidthInput<T> projection_;  // MUT1 / MUT2 with X != hidden_size only
  Recurrent<T> rnn_;
  std::optional<SequencePooling<T>> pooling_;
  Dropout<T> output_dropout_;
  Linear<T> classifier_;
  Tensor<T> inputs_, dropped_inputs_, rnn_output_, features_, dropped_features_, logits_;
  Tensor<T> grad_features_, grad_rnn_output_, grad_inputs_;
  RecurrentState<T> initial_, final_, grad_initial_;
};

}  // namespace recur
