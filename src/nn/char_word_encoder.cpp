#include "recur/char_word_encoder.h"

#include <stdexcept>

namespace recur {

template <typename T>
CharWordEncoder<T>::CharWordEncoder(int64_t num_chars, int64_t char_embedding, int64_t hidden, CellKind cell, Rng& rng)
    : hidden_(hidden),
      embedding_(num_chars, char_embedding, rng),
      rnn_(RecurrentOptions{.cell = cell, .input_size = char_embedding, .hidden_size = hidden, .bidirectional = true},
           rng) {
  prefix_names(embedding_.parameters(), "embedding");
  prefix_names(rnn_.parameters(), "rnn");
}

template <typename T>
ParameterList<T> CharWordEncoder<T>::parameters() {
  ParameterList<T> list = embedding_.parameters();
  append_parameters(list, rnn_.parameters());
  return list;
}

template <typename T>
void CharWordEncoder<T>::forward(std::span<const int64_t> chars, std::span<const int64_t> lengths, int64_t max_length,
                                 Tensor<T>& output) {
  const int64_t U = static_cast<int64_t>(lengths.size()), L = max_length;
  if (static_cast<int64_t>(chars.size()) != L * U)
    throw std::invalid_argument("character encoder: chars must hold max_length * words ids");
  embedding_.forward(chars, embedded_);
  embedded_.reshape({L, U, embedding_.embedding_dim()});
  rnn_.forward(embedded_, initial_, lengths, rnn_output_, final_);
  // final_.h is [2, U, H]: row 0 the forward direction, row 1 the reverse.
  const int64_t H = hidden_;
  output.resize({U, 2 * H});
  for (int64_t u = 0; u < U; ++u)
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t j = 0; j < H; ++j) output[u * 2 * H + d * H + j] = final_.h[(d * U + u) * H + j];
}

template <typename T>
void CharWordEncoder<T>::backward(const Tensor<T>& grad_output) {
  const int64_t H = hidden_, U = final_.h.dim(1);
  if (grad_output.shape() != Shape{U, 2 * H})
    throw std::invalid_argument("character encoder grad_output must be " + shape_string({U, 2 * H}));
  grad_final_.h.resize({2, U, H});
  for (int64_t u = 0; u < U; ++u)
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t j = 0; j < H; ++j) grad_final_.h[(d * U + u) * H + j] = grad_output[u * 2 * H + d * H + j];
  grad_final_.c = Tensor<T>();  // no gradient reaches the LSTM's cell state directly
  rnn_.backward(Tensor<T>(), grad_final_, grad_embedded_, grad_initial_);
  grad_embedded_.reshape({grad_embedded_.dim(0) * grad_embedded_.dim(1), embedding_.embedding_dim()});
  embedding_.backward(grad_embedded_);
}

template class CharWordEncoder<float>;
template class CharWordEncoder<double>;

}  // namespace recur
