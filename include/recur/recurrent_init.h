// How a recurrent stack's parameters start, beyond PyTorch's default
// U(-1/sqrt(H), 1/sqrt(H)) (which Recurrent draws): the recurrent matrices
// (W_hh) orthogonal or the identity, and the LSTM's forget-gate bias.
//   uniform     W_hh as drawn (PyTorch's default); nothing changes
//   orthogonal  each H x H gate block of every W_hh a random orthogonal
//               matrix (torch.nn.init.orthogonal_ per block: Q of the QR of a
//               Gaussian matrix, signs fixed by R's diagonal)
//   identity    each H x H block of every W_hh the identity and every bias of
//               the stack zero: the IRNN of Le, Jaitly & Hinton 2015, meant
//               for rnn_relu
//   forget_bias B is added to the forget-gate slice [H, 2H) of every bias_ih
//               (PyTorch's LSTM gate order i, f, g, o), so that the gate's
//               effective bias b_ih + b_hh grows by B (1 in Jozefowicz et
//               al. 2015); LSTM only; 0 leaves the bias as drawn
// Models keep it in their configuration (JSON keys "init" and "forget_bias",
// absent = the defaults) and apply it once, on construction.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "recur/recurrent.h"
#include "recur/rng.h"

namespace recur {

enum class RecurrentInitKind { Uniform, Orthogonal, Identity };

// "uniform", "orthogonal", "identity" and back; parse throws std::invalid_argument.
std::string recurrent_init_name(RecurrentInitKind kind);
RecurrentInitKind parse_recurrent_init(const std::string& name);

struct RecurrentInit {
  RecurrentInitKind recurrent = RecurrentInitKind::Uniform;
  double forget_bias = 0.0;

  bool is_default() const { return recurrent == RecurrentInitKind::Uniform && forget_bias == 0.0; }
  // Adds "init" and "forget_bias" to a model configuration.
  void write_json(nlohmann::json& config) const;
  // Reads them back; absent keys give the defaults (configurations from
  // before these existed). Throws std::invalid_argument on a bad value.
  static RecurrentInit from_json(const nlohmann::json& config);
};

// Applies `init` to every layer and direction of `layer` (rng draws the
// orthogonal blocks). Throws std::invalid_argument for a forget bias on a
// cell other than the LSTM or on a stack without biases, or a non-finite one.
template <typename T>
void initialise_recurrent(Recurrent<T>& layer, const RecurrentInit& init, Rng& rng);

}  // namespace recur
