#include "recur/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "nn/cell_rows.h"
#include "recur/option_error.h"

namespace recur {

namespace {
// The additive score's tanh, over a row: the cells' vectorised tanh for float
// where the CPU has it (most of a decoding step's time went to std::tanh),
// std::tanh otherwise and for double (the gradient checks).
void additive_tanh_in_place(float* x, int64_t n) {
  if (kernels::rows::vectorised()) {
    kernels::rows::tanh(x, x, n);
    return;
  }
  for (int64_t j = 0; j < n; ++j) x[j] = std::tanh(x[j]);
}
void additive_tanh_in_place(double* x, int64_t n) {
  for (int64_t j = 0; j < n; ++j) x[j] = std::tanh(x[j]);
}
}  // namespace

std::string attention_name(AttentionKind kind) {
  switch (kind) {
    case AttentionKind::None: return "none";
    case AttentionKind::Additive: return "additive";
    case AttentionKind::Dot: return "dot";
  }
  return "none";
}

AttentionKind parse_attention(const std::string& name) {
  for (AttentionKind k : {AttentionKind::None, AttentionKind::Additive, AttentionKind::Dot})
    if (attention_name(k) == name) return k;
  throw OptionError("attention", "attention must be none, additive or dot, got '" + name + "'");
}

template <typename T>
Attention<T>::Attention(AttentionKind kind, int64_t query_size, int64_t memory_size, Rng& rng)
    : kind_(kind),
      query_size_(query_size),
      memory_size_(memory_size),
      key_(memory_size, query_size, rng, /*bias=*/kind == AttentionKind::Additive) {
  if (kind == AttentionKind::None) throw std::invalid_argument("Attention needs a kind other than none");
  prefix_names(key_.parameters(), "key");
  if (kind == AttentionKind::Additive) {
    query_.emplace(query_size, query_size, rng, /*bias=*/false);
    prefix_names(query_->parameters(), "query");
    score_ = Parameter<T>("score.weight", {query_size});
    const double bound = 1.0 / std::sqrt(static_cast<double>(query_size));
    for (int64_t i = 0; i < query_size; ++i) score_.value[i] = T(rng.uniform(-bound, bound));
  }
}

template <typename T>
ParameterList<T> Attention<T>::parameters() {
  ParameterList<T> list;
  if (query_) append_parameters(list, query_->parameters());
  append_parameters(list, key_.parameters());
  if (kind_ == AttentionKind::Additive) list.push_back(&score_);
  return list;
}

template <typename T>
void Attention<T>::set_memory(const Tensor<T>& memory, std::span<const int64_t> lengths) {
  if (memory.rank() != 3 || memory.dim(2) != memory_size_ || static_cast<int64_t>(lengths.size()) != memory.dim(1))
    throw std::invalid_argument("attention memory must be [S, N, " + std::to_string(memory_size_) + "] with N lengths, got " +
                                shape_string(memory.shape()));
  memory_ = &memory;
  lengths_.assign(lengths.begin(), lengths.end());
  key_.forward(memory, keys_);
}

template <typename T>
void Attention<T>::forward(const Tensor<T>& query, std::span<const int64_t> sources, Tensor<T>& context) {
  if (memory_ == nullptr) throw std::logic_error("Attention::forward before set_memory");
  const int64_t Tq = query.dim(0), R = query.dim(1), H = query_size_, S = memory_->dim(0), N = memory_->dim(1),
                M = memory_size_;
  query_input_ = &query;
  sources_.assign(sources.begin(), sources.end());
  if (kind_ == AttentionKind::Additive) {
    query_->forward(query, projected_query_);
    hidden_.resize({Tq, R, S, H});
  }
  weights_.resize({Tq, R, S});
  weights_.zero();
  context.resize({Tq, R, M});
  context.zero();
  for (int64_t t = 0; t < Tq; ++t)
    for (int64_t r = 0; r < R; ++r) {
      const int64_t n = source_of(sources, r), length = lengths_[n];
      const T* h = query.data() + (t * R + r) * H;
      T* a = weights_.data() + (t * R + r) * S;
      for (int64_t s = 0; s < length; ++s) {
        const T* k = keys_.data() + (s * N + n) * H;
        T score = 0;
        if (kind_ == AttentionKind::Dot) {
          for (int64_t j = 0; j < H; ++j) score += h[j] * k[j];
        } else {
          const T* q = projected_query_.data() + (t * R + r) * H;
          T* z = hidden_.data() + ((t * R + r) * S + s) * H;
          for (int64_t j = 0; j < H; ++j) z[j] = q[j] + k[j];
          additive_tanh_in_place(z, H);
          for (int64_t j = 0; j < H; ++j) score += score_.value[j] * z[j];
        }
        a[s] = score;
      }
      const T top = *std::max_element(a, a + length);
      T sum = 0;
      for (int64_t s = 0; s < length; ++s) sum += a[s] = std::exp(a[s] - top);
      T* c = context.data() + (t * R + r) * M;
      for (int64_t s = 0; s < length; ++s) {
        a[s] /= sum;
        const T* m = memory_->data() + (s * N + n) * M;
        for (int64_t j = 0; j < M; ++j) c[j] += a[s] * m[j];
      }
    }
}

template <typename T>
void Attention<T>::backward(const Tensor<T>& grad_context, Tensor<T>& grad_query, Tensor<T>& grad_memory) {
  const Tensor<T>& query = *query_input_;
  const int64_t Tq = query.dim(0), R = query.dim(1), H = query_size_, S = memory_->dim(0), N = memory_->dim(1),
                M = memory_size_;
  grad_keys_.resize(keys_.shape());
  grad_keys_.zero();
  if (kind_ == AttentionKind::Additive) {
    grad_projected_.resize(projected_query_.shape());
    grad_projected_.zero();
  }
  std::vector<T> grad_score(static_cast<size_t>(S));
  for (int64_t t = 0; t < Tq; ++t)
    for (int64_t r = 0; r < R; ++r) {
      const int64_t n = source_of(sources_, r), length = lengths_[n];
      const T* a = weights_.data() + (t * R + r) * S;
      const T* gc = grad_context.data() + (t * R + r) * M;
      // Through the weighted sum, then the softmax.
      T mean = 0;
      for (int64_t s = 0; s < length; ++s) {
        const T* m = memory_->data() + (s * N + n) * M;
        T* gm = grad_memory.data() + (s * N + n) * M;
        T ga = 0;
        for (int64_t j = 0; j < M; ++j) {
          ga += gc[j] * m[j];
          gm[j] += a[s] * gc[j];
        }
        grad_score[s] = ga;
        mean += a[s] * ga;
      }
      const T* h = query.data() + (t * R + r) * H;
      T* gh = grad_query.data() + (t * R + r) * H;
      for (int64_t s = 0; s < length; ++s) {
        const T g = a[s] * (grad_score[s] - mean);
        const T* k = keys_.data() + (s * N + n) * H;
        T* gk = grad_keys_.data() + (s * N + n) * H;
        if (kind_ == AttentionKind::Dot) {
          for (int64_t j = 0; j < H; ++j) {
            gh[j] += g * k[j];
            gk[j] += g * h[j];
          }
        } else {
          const T* z = hidden_.data() + ((t * R + r) * S + s) * H;
          T* gq = grad_projected_.data() + (t * R + r) * H;
          for (int64_t j = 0; j < H; ++j) {
            score_.grad[j] += g * z[j];
            const T gz = g * score_.value[j] * (1 - z[j] * z[j]);
            gq[j] += gz;
            gk[j] += gz;
          }
        }
      }
    }
  key_.backward(grad_keys_, grad_part_);
  for (int64_t i = 0; i < grad_memory.numel(); ++i) grad_memory[i] += grad_part_[i];
  if (kind_ == AttentionKind::Additive) {
    query_->backward(grad_projected_, grad_part_);
    for (int64_t i = 0; i < grad_query.numel(); ++i) grad_query[i] += grad_part_[i];
  }
}

template class Attention<float>;
template class Attention<double>;

}  // namespace recur
