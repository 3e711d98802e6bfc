// Gradient clipping, as torch.nn.utils does it, and the finiteness check that
// keeps a NaN or infinite gradient from ever reaching the weights.
#pragma once

#include "recur/parameter.h"

namespace recur {

// The global L2 norm of all gradients together (accumulated in double).
template <typename T>
double grad_norm(const ParameterList<T>& parameters);

// torch.nn.utils.clip_grad_norm_ (norm_type 2): every gradient is multiplied by
// min(1, max_norm / (norm + 1e-6)) — so it acts when norm + 1e-6 > max_norm.
// Returns the norm before clipping. A non-finite norm leaves the gradients as
// they are (the caller skips the step: see all_finite). Throws
// std::invalid_argument unless max_norm > 0.
template <typename T>
double clip_grad_norm(const ParameterList<T>& parameters, double max_norm);
// The same with `norm` = grad_norm(parameters) already computed.
template <typename T>
void clip_grad_norm(const ParameterList<T>& parameters, double max_norm, double norm);

// torch.nn.utils.clip_grad_value_: clamps every gradient element to
// [-limit, limit] (min-char-rnn clips to [-5, 5]). NaN stays NaN. Throws
// std::invalid_argument unless limit > 0. Returns how many elements were clamped.
template <typename T>
int64_t clip_grad_value(const ParameterList<T>& parameters, double limit);

// True when every gradient element is finite. (For float gradients, so is
// grad_norm: a double sum of float squares cannot overflow; the Trainer
// calls this only when the norm is not finite.)
template <typename T>
bool all_finite(const ParameterList<T>& parameters);

}  // namespace recur
