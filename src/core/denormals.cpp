#include "recur/denormals.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define RECUR_HAVE_MXCSR 1
#endif

#include <omp.h>

namespace recur {

namespace {
#ifdef RECUR_HAVE_MXCSR
constexpr unsigned kFlushToZero = 0x8000;       // MXCSR.FTZ: subnormal results become 0
constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: subnormal inputs read as 0
#endif

void flush_this_thread() {
#ifdef RECUR_HAVE_MXCSR
  _mm_setcsr(_mm_getcsr() | kFlushToZero | kDenormalsAreZero);
#endif
}
}  // namespace

void flush_denormals_to_zero() {
  flush_this_thread();
  // Each OpenMP thread has its own MXCSR; a parallel region reaches every one
  // of the team (threads created later inherit the creating thread's).
#pragma omp parallel
  flush_this_thread();
}

bool flushing_denormals() {
#ifdef RECUR_HAVE_MXCSR
  const unsigned both = kFlushToZero | kDenormalsAreZero;
  return (_mm_getcsr() & both) == both;
#else
  return false;
#endif
}

}  // namespace recur
