// Vectorised float rows of the fused cell kernels (cell_kernels.h).
//
// One call handles one batch row of H hidden units: the pointwise work of a
// step is dominated by exp and tanh, which the C library computes one element
// at a time. These functions are AVX-512 code: call them only when
// vectorised() (checked once at run time); otherwise the generic loops of
// cell_kernels.h, over std::exp / std::tanh, do the same work.
//
// Accuracy: the AVX-512 exp and tanh are Cephes-style polynomial
// approximations with a relative error of a few float ulps (measured: see
// docs/benchmarks.md); the gradient checks run in double, which always takes
// the std:: path of cell_kernels.h.
#pragma once

#include <cstdint>

namespace recur::kernels::rows {

// True when this CPU and build have the AVX-512 versions.
bool vectorised();

// y[j] = tanh(x[j]), y[j] = 1 / (1 + exp(-x[j])), y[j] = exp(x[j]); y may be x.
void tanh(const float* x, float* y, int64_t n);
void sigmoid(const float* x, float* y, int64_t n);
void exp(const float* x, float* y, int64_t n);

// LSTM forward, one row: gates [4H] pre-activations in, activations out;
// c = f * c_prev + i * g; h = o * tanh(c) written to h and y. c may alias c_prev.
void lstm_forward(float* gates, const float* c_prev, float* c, float* h, float* y, int64_t H);

// LSTM backward, one row (see lstm_backward_step). dy may be null.
void lstm_backward(const float* gates, const float* c_prev, const float* c_now, const float* dy, float* dh,
                   float* dc, float* grad_gates, int64_t H);

// GRU (reset after the product) forward, one row (see gru_forward_step).
void gru_forward(float* gates, const float* recurrent, const float* hn_bias, const float* h_prev, float* recurrent_n,
                 float* h, float* y, int64_t H);

// Vanilla tanh RNN forward, one row: g = tanh(g); h = y = g.
void rnn_tanh_forward(float* gates, float* h, float* y, int64_t H);

}  // namespace recur::kernels::rows
