#include "recur/recurrent_init.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace recur {

namespace {

// Rows of `a` [n, n] made orthonormal by Gram-Schmidt, run twice for accuracy
// ("twice is enough"). For a square matrix orthonormal rows are orthonormal
// columns, and this is Q^T of a QR with R's diagonal positive, as
// torch.nn.init.orthogonal_ makes it.
void orthonormalise_rows(std::vector<double>& a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    double* row = a.data() + i * n;
    for (int pass = 0; pass < 2; ++pass)
      for (int64_t k = 0; k < i; ++k) {
        const double* other = a.data() + k * n;
        double dot = 0;
        for (int64_t j = 0; j < n; ++j) dot += row[j] * other[j];
        for (int64_t j = 0; j < n; ++j) row[j] -= dot * other[j];
      }
    double norm = 0;
    for (int64_t j = 0; j < n; ++j) norm += row[j] * row[j];
    norm = std::sqrt(norm);
    for (int64_t j = 0; j < n; ++j) row[j] /= norm;
  }
}

// The layer's own parameter name, whatever prefix a model gave it.
std::string own_name(const std::string& name) {
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::string recurrent_init_name(RecurrentInitKind kind) {
  switch (kind) {
    case RecurrentInitKind::Uniform: return "uniform";
    case RecurrentInitKind::Orthogonal: return "orthogonal";
    case RecurrentInitKind::Identity: return "identity";
  }
  return "uniform";
}

RecurrentInitKind parse_recurrent_init(const std::string& name) {
  for (RecurrentInitKind kind :
       {RecurrentInitKind::Uniform, RecurrentInitKind::Orthogonal, RecurrentInitKind::Identity})
    if (recurrent_init_name(kind) == name) return kind;
  throw std::invalid_argument("unknown initialisation '" + name + "' (expected uniform, orthogonal or identity)");
}

void RecurrentInit::write_json(nlohmann::json& config) const {
  config["init"] = recurrent_init_name(recurrent);
  config["forget_bias"] = forget_bias;
}

RecurrentInit RecurrentInit::from_json(const nlohmann::json& config) {
  RecurrentInit init;
  try {
    init.recurrent = parse_recurrent_init(config.value("init", std::string("uniform")));
    init.forget_bias = config.value("forget_bias", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("model configuration has a bad 'init' or 'forget_bias': ") + e.what());
  }
  return init;
}

template <typename T>
void initialise_recurrent(Recurrent<T>& layer, const RecurrentInit& init, Rng& rng) {
  const RecurrentOptions& options = layer.options();
  const int64_t H = options.hidden_size;
  if (!std::isfinite(init.forget_bias))
    throw std::invalid_argument("the forget-gate bias (--forget-bias) must be finite");
  if (init.forget_bias != 0.0) {
    if (options.cell != CellKind::Lstm)
      throw std::invalid_argument("a forget-gate bias (--forget-bias) is for the LSTM; this model's cell is " +
                                  cell_name(options.cell));
    if (!options.bias) throw std::invalid_argument("a forget-gate bias (--forget-bias) needs a layer with biases");
  }
  std::vector<double> block(static_cast<size_t>(H * H));
  for (Parameter<T>* p : layer.parameters()) {
    const std::string name = own_name(p->name);
    Tensor<T>& v = p->value;
    if (starts_with(name, "weight_hh") && init.recurrent != RecurrentInitKind::Uniform) {
      for (int64_t b = 0; b < v.dim(0) / H; ++b) {
        if (init.recurrent == RecurrentInitKind::Orthogonal) {
          for (double& x : block) x = rng.normal();
          orthonormalise_rows(block, H);
        } else {
          for (int64_t i = 0; i < H * H; ++i) block[i] = i / H == i % H ? 1.0 : 0.0;
        }
        for (int64_t i = 0; i < H * H; ++i) v[b * H * H + i] = T(block[i]);
      }
    }
    if (starts_with(name, "bias_") && init.recurrent == RecurrentInitKind::Identity) v.zero();
    if (starts_with(name, "bias_ih") && init.forget_bias != 0.0)
      for (int64_t j = H; j < 2 * H; ++j) v[j] += T(init.forget_bias);  // i, f, g, o: f is [H, 2H)
  }
}

template void initialise_recurrent<float>(Recurrent<float>&, const RecurrentInit&, Rng&);
template void initialise_recurrent<double>(Recurrent<double>&, const RecurrentInit&, Rng&);

}  // namespace recur
