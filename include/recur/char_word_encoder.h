// CharWordEncoder: a vector for each word from its characters — a character
// embedding read by a one-layer bidirectional LSTM or GRU, whose final forward
// state (after the word's last character) and final reverse state (after its
// first) are concatenated (Lample et al. 2016; Plank et al. 2016). Words the
// vocabulary lacks still get a vector from their spelling.
//
//   chars    [L, U] character ids, time-major (element (c, u) at c * U + u),
//            padding past lengths[u] (any id in range; it is never read)
//   lengths  [U] in [1, L]
//   output   [U, 2 * hidden]: [forward final | reverse final]
//
// This is WordCharacters::batch's CharBatch (word_characters.h); the layer
// itself knows nothing of text. Parameter names: "embedding.weight",
// "rnn.<PyTorch name>" (prefixed further by the model).
#pragma once

#include <cstdint>
#include <span>

#include "recur/embedding.h"
#include "recur/recurrent.h"

namespace recur {

template <typename T>
class CharWordEncoder {
 public:
  // cell: Lstm or Gru (any CellKind works; those two are what the CLI offers).
  CharWordEncoder(int64_t num_chars, int64_t char_embedding, int64_t hidden, CellKind cell, Rng& rng);

  int64_t output_size() const { return 2 * hidden_; }
  ParameterList<T> parameters();

  void forward(std::span<const int64_t> chars, std::span<const int64_t> lengths, int64_t max_length,
               Tensor<T>& output);
  // grad_output [U, 2 * hidden]; adds to the parameters' gradients.
  void backward(const Tensor<T>& grad_output);

 private:
  int64_t hidden_;
  Embedding<T> embedding_;
  Recurrent<T> rnn_;
  Tensor<T> embedded_, rnn_output_, grad_rnn_output_, grad_embedded_;
  RecurrentState<T> initial_, final_, grad_final_, grad_initial_;
};

}  // namespace recur
