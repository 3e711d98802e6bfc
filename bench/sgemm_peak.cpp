// sgemm_peak: the machine's practical float32 GEMM rate through OpenBLAS,
// the yardstick for "recur reaches X% of the SGEMM peak" (issue 4). A large
// square SGEMM is as close to peak as a real BLAS gets; the best of the
// repeats is reported (peak, not typical), with the median beside it.
//
//   sgemm_peak [--size 4096] [--threads N] [--repeats 5] [--json]
#include <cblas.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "flag_value.h"

namespace {

[[noreturn]] void usage(const char *why) {
  std::fprintf(stderr,
               "sgemm_peak: %s\nusage: sgemm_peak [--size N] [--threads N] [--repeats N] [--json]\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char **argv) {
  long size = 4096;
  int threads = 0;  // 0: OpenBLAS's default (all cores)
  int repeats = 5;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return flag_value(argc, argv, i, 1, usage); };
    if (a == "--size") size = value();
    else if (a == "--threads") threads = static_cast<int>(value());
    else if (a == "--repeats") repeats = static_cast<int>(value());
    else if (a == "--json") json = true;
    else usage(("unknown flag " + a).c_str());
  }
  if (threads > 0) openblas_set_num_threads(threads);
  threads = openblas_get_num_threads();

  const size_t n = static_cast<size_t>(size);
  std::vector<float> a(n * n), b(n * n), c(n * n);
  for (size_t i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>(i % 7) * 0.01f;
    b[i] = static_cast<float>(i % 11) * 0.01f;
  }
  const int m = static_cast<int>(size);
  auto gemm = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0f, a.data(), m,
                b.data(), m, 0.0f, c.data(), m);
  };
  gemm();  // warm-up: thread pool start, page faults
  std::vector<double> seconds;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    gemm();
    const auto t1 = std::chrono::steady_clock::now();
    seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  const double flops = 2.0 * static_cast<double>(size) * size * size;
  const double best = flops / seconds.front() / 1e9;
  const double median = flops / seconds[seconds.size() / 2] / 1e9;
  const char *core = openblas_get_corename();
  if (json)
    std::printf("{\"impl\":\"sgemm_peak\",\"size\":%ld,\"threads\":%d,\"gflops\":%.1f,"
                "\"median_gflops\":%.1f,\"openblas_core\":\"%s\"}\n",
                size, threads, best, median, core);
  else
    std::printf("sgemm_peak: %ldx%ld OpenBLAS (%s), %d threads: best %.1f GFLOP/s, median %.1f\n",
                size, size, core, threads, best, median);
  return 0;
}
