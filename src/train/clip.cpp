#include "recur/clip.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

template <typename T>
double grad_norm(const ParameterList<T>& parameters) {
  double sum_of_squares = 0;
  for (const Parameter<T>* p : parameters)
    for (T g : p->grad.values()) sum_of_squares += static_cast<double>(g) * static_cast<double>(g);
  return std::sqrt(sum_of_squares);
}

template <typename T>
double clip_grad_norm(const ParameterList<T>& parameters, double max_norm) {
  if (!(max_norm > 0 && std::isfinite(max_norm)))
    throw std::invalid_argument(fmt::format("gradient clipping norm must be > 0, got {}", max_norm));
  const double norm = grad_norm(parameters);
  if (!std::isfinite(norm)) return norm;
  // The 1e-6 keeps the division safe at norm 0; PyTorch adds the same.
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1) {
    const T factor = static_cast<T>(scale);
    for (Parameter<T>* p : parameters)
      for (T& g : p->grad.values()) g *= factor;
  }
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
template int64_t clip_grad_value(const ParameterList<float>&, double);
template int64_t clip_grad_value(const ParameterList<double>&, double);
template bool all_finite(const ParameterList<float>&);
template bool all_finite(const ParameterList<double>&);

}  // namespace recur
