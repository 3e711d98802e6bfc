// Vectorised float rows of the fused cell kernels (AVX-512). Callers check
// vectorised() and otherwise run the generic loops of cell_kernels.h.
//
// exp: Cephes expf — n = round(x log2 e), r = x - n ln 2 in two parts, a
// degree-6 polynomial, then 2^n by vscalefps (which also gets the underflow
// to subnormals and zero right). tanh: Cephes tanhf — an odd polynomial for
// |x| < 0.625, 1 - 2 / (exp(2|x|) + 1) above, sign restored. Both stay within
// a few float ulps; the divisions are exact (no reciprocal approximations).
#include "nn/cell_rows.h"

#include <cmath>
#include <cstdlib>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RECUR_HAVE_AVX512_PATH 1
// The __m512 helpers are always inlined into AVX-512 functions; no ABI crosses.
#pragma GCC diagnostic ignored "-Wpsabi"
// GCC 12's masked-load intrinsics start from _mm512_undefined_ps().
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace recur::kernels::rows {


#ifdef RECUR_HAVE_AVX512_PATH
// Everything in this namespace (lambdas included) is compiled for AVX-512.
// clang ignores GCC's target pragma and has its own (the fuzz build uses clang).
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,fma")
#endif
namespace avx512 {

#define RECUR_AVX512 __attribute__((always_inline)) inline
#define RECUR_AVX512_FN

RECUR_AVX512 __m512 exp16(__m512 x) {
  const __m512 hi = _mm512_set1_ps(88.7228391f), lo = _mm512_set1_ps(-103.972076f);
  x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  const __m512 r2 = _mm512_mul_ps(r, r);
  p = _mm512_fmadd_ps(p, r2, r);
  p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

RECUR_AVX512 __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

RECUR_AVX512 __m512 tanh16(__m512 x) {
  const __m512 sign_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x80000000));
  const __m512 ax = _mm512_andnot_ps(sign_mask, x);
  const __m512 sign = _mm512_and_ps(sign_mask, x);
  // Large |x|: 1 - 2 / (exp(2|x|) + 1); exp saturates at 88.7, where the result is 1.
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 e = exp16(_mm512_add_ps(ax, ax));
  const __m512 large = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
  // Small |x|: x + x^3 P(x^2).
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  const __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(is_small, _mm512_or_ps(large, sign), small);
}

// Applies f to n floats; the tail goes through a masked load and store.
template <typename F>
RECUR_AVX512 void map(const float* x, float* y, int64_t n, F f) {
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) _mm512_storeu_ps(y + j, f(_mm512_loadu_ps(x + j)));
  if (j < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - j)) - 1);
    _mm512_mask_storeu_ps(y + j, m, f(_mm512_maskz_loadu_ps(m, x + j)));
  }
}

RECUR_AVX512_FN void tanh(const float* x, float* y, int64_t n) { map(x, y, n, [](__m512 v) { return tanh16(v); }); }
RECUR_AVX512_FN void sigmoid(const float* x, float* y, int64_t n) {
  map(x, y, n, [](__m512 v) { return sigmoid16(v); });
}
RECUR_AVX512_FN void exp(const float* x, float* y, int64_t n) { map(x, y, n, [](__m512 v) { return exp16(v); }); }

// The row loops: full vectors, then one masked vector for the tail.
#define RECUR_ROW_LOOP(H, ...)                                                     \
  do {                                                                            \
    int64_t j = 0;                                                                \
    for (; j + 16 <= (H); j += 16) {                                              \
      const __mmask16 m = 0xFFFF;                                                 \
      __VA_ARGS__                                                                 \
    }                                                                             \
    if (j < (H)) {                                                                \
      const __mmask16 m = static_cast<__mmask16>((1u << ((H) - j)) - 1);          \
      __VA_ARGS__                                                                 \
    }                                                                             \
  } while (0)

#define LD(p) _mm512_maskz_loadu_ps(m, (p) + j)
#define ST(p, v) _mm512_mask_storeu_ps((p) + j, m, (v))

RECUR_AVX512_FN void lstm_forward(float* gi, const float* cp, float* co, float* ho, float* yo, int64_t H) {
  float* gf = gi + H;
  float* gg = gi + 2 * H;
  float* go = gi + 3 * H;
  RECUR_ROW_LOOP(H, {
    const __m512 i = sigmoid16(LD(gi));
    const __m512 f = sigmoid16(LD(gf));
    const __m512 g = tanh16(LD(gg));
    const __m512 o = sigmoid16(LD(go));
    const __m512 c = _mm512_fmadd_ps(f, LD(cp), _mm512_mul_ps(i, g));
    const __m512 h = _mm512_mul_ps(o, tanh16(c));
    ST(gi, i);
    ST(gf, f);
    ST(gg, g);
    ST(go, o);
    ST(co, c);
    ST(ho, h);
    ST(yo, h);
  });
}

RECUR_AVX512_FN void lstm_backward(const float* gi, const float* cp, const float* cn, const float* dy, float* dh,
                                   float* dc, float* dgi, int64_t H) {
  const float* gf = gi + H;
  const float* gg = gi + 2 * H;
  const float* go = gi + 3 * H;
  float* dgf = dgi + H;
  float* dgg = dgi + 2 * H;
  float* dgo = dgi + 3 * H;
  const __m512 one = _mm512_set1_ps(1.0f);
  RECUR_ROW_LOOP(H, {
    __m512 dh_total = LD(dh);
    if (dy) dh_total = _mm512_add_ps(dh_total, LD(dy));
    const __m512 i = LD(gi), f = LD(gf), g = LD(gg), o = LD(go);
    const __m512 tc = tanh16(LD(cn));
    const __m512 dc_total =
        _mm512_fmadd_ps(_mm512_mul_ps(dh_total, o), _mm512_fnmadd_ps(tc, tc, one), LD(dc));
    ST(dgi, _mm512_mul_ps(_mm512_mul_ps(dc_total, g), _mm512_mul_ps(i, _mm512_sub_ps(one, i))));
    ST(dgf, _mm512_mul_ps(_mm512_mul_ps(dc_total, LD(cp)), _mm512_mul_ps(f, _mm512_sub_ps(one, f))));
    ST(dgg, _mm512_mul_ps(_mm512_mul_ps(dc_total, i), _mm512_fnmadd_ps(g, g, one)));
    ST(dgo, _mm512_mul_ps(_mm512_mul_ps(dh_total, tc), _mm512_mul_ps(o, _mm512_sub_ps(one, o))));
    ST(dc, _mm512_mul_ps(dc_total, f));
    ST(dh, _mm512_setzero_ps());
  });
}

RECUR_AVX512_FN void gru_forward(float* gr, const float* rr, const float* hn_bias, const float* hp, float* hr,
                                 float* ho, float* yo, int64_t H) {
  float* gz = gr + H;
  float* gn = gr + 2 * H;
  const float* rz = rr + H;
  const float* rn = rr + 2 * H;
  const __m512 one = _mm512_set1_ps(1.0f);
  RECUR_ROW_LOOP(H, {
    const __m512 r = sigmoid16(_mm512_add_ps(LD(gr), LD(rr)));
    const __m512 z = sigmoid16(_mm512_add_ps(LD(gz), LD(rz)));
    __m512 hn = LD(rn);
    if (hn_bias) hn = _mm512_add_ps(hn, LD(hn_bias));
    const __m512 n = tanh16(_mm512_fmadd_ps(r, hn, LD(gn)));
    const __m512 h = _mm512_fmadd_ps(z, LD(hp), _mm512_mul_ps(_mm512_sub_ps(one, z), n));
    ST(gr, r);
    ST(gz, z);
    ST(gn, n);
    ST(hr, hn);
    ST(ho, h);
    ST(yo, h);
  });
}

RECUR_AVX512_FN void rnn_tanh_forward(float* g, float* ho, float* yo, int64_t H) {
  RECUR_ROW_LOOP(H, {
    const __m512 h = tanh16(LD(g));
    ST(g, h);
    ST(ho, h);
    ST(yo, h);
  });
}

#undef LD
#undef ST
#undef RECUR_ROW_LOOP

}  // namespace avx512
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace {
bool detect() {
#ifdef RECUR_HAVE_AVX512_PATH
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#else
  return false;
#endif
}
const bool kVectorised = detect();
}  // namespace

bool vectorised() { return kVectorised; }

// Callers check vectorised() first and otherwise run the generic loops of
// cell_kernels.h, so a build without the AVX-512 path never calls these.
#ifdef RECUR_HAVE_AVX512_PATH
#define RECUR_DISPATCH(name, ...) return avx512::name(__VA_ARGS__)
#else
#define RECUR_DISPATCH(name, ...) std::abort()
#endif

void tanh(const float* x, float* y, int64_t n) { RECUR_DISPATCH(tanh, x, y, n); }
void sigmoid(const float* x, float* y, int64_t n) { RECUR_DISPATCH(sigmoid, x, y, n); }
void exp(const float* x, float* y, int64_t n) { RECUR_DISPATCH(exp, x, y, n); }
void lstm_forward(float* gates, const float* c_prev, float* c, float* h, float* y, int64_t H) {
  RECUR_DISPATCH(lstm_forward, gates, c_prev, c, h, y, H);
}
void lstm_backward(const float* gates, const float* c_prev, const float* c_now, const float* dy, float* dh, float* dc,
                   float* grad_gates, int64_t H) {
  RECUR_DISPATCH(lstm_backward, gates, c_prev, c_now, dy, dh, dc, grad_gates, H);
}
void gru_forward(float* gates, const float* recurrent, const float* hn_bias, const float* h_prev, float* recurrent_n,
                 float* h, float* y, int64_t H) {
  RECUR_DISPATCH(gru_forward, gates, recurrent, hn_bias, h_prev, recurrent_n, h, y, H);
}
void rnn_tanh_forward(float* gates, float* h, float* y, int64_t H) { RECUR_DISPATCH(rnn_tanh_forward, gates, h, y, H); }

}  // namespace recur::kernels::rows
