// Subnormal floats flushed to zero on the threads recur computes on.
//
// Gradients that vanish through a long sequence (an LSTM's backward over a
// week of hourly rows, say) decay into the subnormal range, below about
// 1.2e-38 for float, where x86 arithmetic takes a microcode assist per
// operation, ~100x slower. A forecaster with a lookback of 168 rows measured
// 1,800 windows/s for its first 200 steps and 150 from step 600 on without
// this; with it, a steady 1,800. Values that small change no result a float
// can show, so recur trades them for speed, as TensorFlow does on its CPU
// threads (PyTorch offers the same as torch.set_flush_denormal(True)).
//
// `recur`'s training commands call this once their thread count is set; a
// program that links the library and trains calls it itself. `recur
// gradients` does not: the vanishing gradients it measures reach 1e-43.
#pragma once

namespace recur {

// Sets flush-to-zero and denormals-are-zero (FTZ and DAZ in x86's MXCSR) on
// the calling thread and on every OpenMP thread, which are also OpenBLAS's
// (its OpenMP build). A no-op on other architectures.
void flush_denormals_to_zero();

// Whether the calling thread flushes (false on other architectures).
bool flushing_denormals();

}  // namespace recur
