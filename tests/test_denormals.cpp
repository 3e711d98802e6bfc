// flush_denormals_to_zero: after it, subnormal results and inputs are zero on
// the calling thread and on every OpenMP thread. Run in a child process (a
// death test), so that the rest of the suite keeps IEEE subnormals; the
// "threadsafe" style starts the child afresh rather than forking a process
// whose OpenMP threads the child would not have.
#include <gtest/gtest.h>
#include <omp.h>

#include <cfloat>
#include <cstdlib>

#include "recur/denormals.h"

namespace recur {
namespace {

// On the calling thread: a product that would be subnormal comes out 0
// (FTZ), and a subnormal input reads as 0 (DAZ: FLT_MIN + it is FLT_MIN).
bool flushes_here(float subnormal) {
  volatile float smallest_normal = FLT_MIN, half = 0.5f, input = subnormal;
  return smallest_normal * half == 0.0f && smallest_normal + input == smallest_normal && flushing_denormals();
}

int flush_then_check() {
  const volatile float subnormal = FLT_MIN / 4;  // made while IEEE rules hold
  if (!(subnormal > 0.0f)) return 2;
  flush_denormals_to_zero();
  bool every_thread = true;
#pragma omp parallel num_threads(3) reduction(&& : every_thread)
  every_thread = flushes_here(subnormal);
  return flushes_here(subnormal) && every_thread ? 0 : 1;
}

TEST(Denormals, FlushedToZeroOnTheCallingAndEveryOpenMpThread) {
#if defined(__x86_64__) || defined(__i386__)
  // Before: IEEE subnormals in this process.
  volatile float smallest_normal = FLT_MIN, half = 0.5f;
  ASSERT_GT(smallest_normal * half, 0.0f);
  ASSERT_FALSE(flushing_denormals());
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(flush_then_check()), ::testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "flushing is x86 only";
#endif
}

}  // namespace
}  // namespace recur
