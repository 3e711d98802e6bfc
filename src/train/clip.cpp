#include "recur/clip.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

template <typename T>
double grad_norm(const ParameterList<T>& parameters) {
  // Four partial sums: one chain of dependent additions ran at the adder's
  // latency, not its throughput (a pass over every gradient on every step).
  double partial[4] = {0, 0, 0, 0};
  for (const Parameter<T>* p : parameters) {
    const T* g = p->grad.data();
    const int64_t n = p->grad.numel();
    int64_t j = 0;
    for (; j + 4 <= n; j += 4)
      for (int k = 0; k < 4; ++k) partial[k] += static_cast<double>(g[j + k]) * static_cast<double>(g[j + k]);
    for (; j < n; ++j) partial[0] += static_cast<double>(g[j]) * static_cast<double>(g[j]);
  }
  return std::sqrt((partial[0] + partial[1]) + (partial[2] + partial[3]));
}

template <typename T>
void clip_grad_norm(const ParameterList<T>& parameters, double max_norm, double norm) {
  if (!(max_norm > 0 && std::isfinite(max_norm)))
    throw std::invalid_argument(fmt::format("gradient clipping norm must be > 0, got {}", max_norm));
  if (!std::isfinite(norm)) return;
  // The 1e-6 keeps the division safe at norm 0; PyTorch adds the same.
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1) {
    const T factor = static_cast<T>(scale);
    for (Parameter<T>* p : parameters)
      for (T& g : p->grad.values()) g *= factor;
  }
}

template <typename T>
double clip_grad_norm(const ParameterList<T>& parameters, double max_norm) {
  const double norm = grad_norm(parameters);
  clip_grad_norm(parameters, max_norm, norm);
  return norm;
}

template <typename T>
int64_t clip_grad_value(const ParameterList<T>& parameters, double limit) {
  if (!(limit > 0 && std::isfinite(limit)))
    throw std::invalid_argument(fmt::format("gradient clipping value must be > 0, got {}", limit));
  const T high = static_cast<T>(limit), low = -high;
  int64_t clamped = 0;
  for (Parameter<T>* p : parameters)
    for (T& g : p->grad.values())
      if (g < low) {
        g = low;
        ++clamped;
      } else if (g > high) {
        g = high;
        ++clamped;
      }
  return clamped;
}

template <typename T>
bool all_finite(const ParameterList<T>& parameters) {
  for (const Parameter<T>* p : parameters)
    for (T g : p->grad.values())
      if (!std::isfinite(g)) return false;
  return true;
}

template double grad_norm(const ParameterList<float>&);
template double grad_norm(const ParameterList<double>&);
template double clip_grad_norm(const ParameterList<float>&, double);
template double clip_grad_norm(const ParameterList<double>&, double);
template void clip_grad_norm(const ParameterList<float>&, double, double);
template void clip_grad_norm(const ParameterList<double>&, double, double);
template int64_t clip_grad_value(const ParameterList<float>&, double);
template int64_t clip_grad_value(const ParameterList<double>&, double);
template bool all_finite(const ParameterList<float>&);
template bool all_finite(const ParameterList<double>&);

}  // namespace recur
