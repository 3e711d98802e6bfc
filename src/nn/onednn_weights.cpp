// Weight staging for a oneDNN layer: see onednn_weights.h.
#include "nn/onednn_weights.h"

#include <algorithm>
#include <cstring>

namespace recur::onednn {

StagedParameters::StagedParameters(OnednnCell cell, int64_t directions, int64_t gates, int64_t hidden, int64_t input,
                                   const DirectionParameters* parameters)
    : gru(cell == OnednnCell::Gru || cell == OnednnCell::LinearBeforeResetGru),
      linear_before_reset(cell == OnednnCell::LinearBeforeResetGru),
      D(directions),
      G(gates),
      H(hidden),
      I(input),
      bias_gates(linear_before_reset ? 4 : gates),
      params(parameters, parameters + directions) {
  bias.assign(D * bias_gates * H, 0.0f);
  dbias.assign(bias.size(), 0.0f);
}

void StagedParameters::allocate_weights() {
  wl.assign(D * G * H * I, 0.0f);
  wi.assign(D * G * H * H, 0.0f);
  dwl.assign(wl.size(), 0.0f);
  dwi.assign(wi.size(), 0.0f);
}

void StagedParameters::stage(bool weights) {
  // PyTorch [G*H, in] per direction -> ldgoi [D][G][H][in] in oneDNN's gate order.
  for (int64_t d = 0; d < D; ++d) {
    const DirectionParameters& p = params[d];
    for (int64_t g = 0; g < G && weights; ++g) {
      const int64_t src_gate = perm(g);
      std::memcpy(wl.data() + (d * G + g) * H * I, p.weight_ih->value.data() + src_gate * H * I,
                  sizeof(float) * H * I);
      std::memcpy(wi.data() + (d * G + g) * H * H, p.weight_hh->value.data() + src_gate * H * H,
                  sizeof(float) * H * H);
    }
    float* b = bias.data() + d * bias_gates * H;
    if (p.bias_ih == nullptr) {
      std::fill_n(b, bias_gates * H, 0.0f);
      continue;
    }
    const float* bi = p.bias_ih->value.data();
    const float* bh = p.bias_hh->value.data();
    for (int64_t g = 0; g < G; ++g) {
      const int64_t s = perm(g) * H;
      // PyTorch's GRU keeps b_hn apart (inside r * (...)): the extra fourth bias.
      const bool apart = linear_before_reset && g == 2;
      for (int64_t j = 0; j < H; ++j) b[g * H + j] = bi[s + j] + (apart ? 0.0f : bh[s + j]);
    }
    if (linear_before_reset)
      for (int64_t j = 0; j < H; ++j) b[3 * H + j] = bh[2 * H + j];
  }
}

void StagedParameters::add_gradients(bool weights) {
  // weights false: they went straight into Parameter::grad.
  for (int64_t d = 0; d < D; ++d) {
    const DirectionParameters& p = params[d];
    for (int64_t g = 0; g < G && weights; ++g) {
      const int64_t dst_gate = perm(g);
      float* gw = p.weight_ih->grad.data() + dst_gate * H * I;
      const float* sw = dwl.data() + (d * G + g) * H * I;
      for (int64_t k = 0; k < H * I; ++k) gw[k] += sw[k];
      float* gu = p.weight_hh->grad.data() + dst_gate * H * H;
      const float* su = dwi.data() + (d * G + g) * H * H;
      for (int64_t k = 0; k < H * H; ++k) gu[k] += su[k];
    }
    if (p.bias_ih == nullptr) continue;
    const float* db = dbias.data() + d * bias_gates * H;
    float* gi = p.bias_ih->grad.data();
    float* gh = p.bias_hh->grad.data();
    for (int64_t g = 0; g < G; ++g) {
      const int64_t s = perm(g) * H;
      const bool apart = linear_before_reset && g == 2;
      for (int64_t j = 0; j < H; ++j) {
        gi[s + j] += db[g * H + j];
        if (!apart) gh[s + j] += db[g * H + j];
      }
    }
    if (linear_before_reset)
      for (int64_t j = 0; j < H; ++j) gh[2 * H + j] += db[3 * H + j];
  }
}

}  // namespace recur::onednn
