// MPI_Allreduce (sum of floats) time against message size, for
// docs/scaling.md: run it under mpirun, e.g.
//
//   mpirun --oversubscribe --allow-run-as-root -np 2 build/bench/allreduce_time [repeats]
//
// For each size from 4 bytes to 64 MiB (x4 per row): a warm-up, then
// `repeats` timed all-reduces (each between barriers, timed by rank 0 as the
// slowest rank's time via MPI_MAX); prints the median and the bus bandwidth
// NCCL-tests define for an all-reduce, 2 (N-1)/N x bytes / time.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 21;
  if (rank == 0) std::printf("ranks,bytes,median_us,min_us,busbw_GBps\n");
  for (size_t bytes = 4; bytes <= (size_t{64} << 20); bytes *= 4) {
    const int count = static_cast<int>(bytes / sizeof(float));
    std::vector<float> buffer(static_cast<size_t>(count), 1.0f);
    std::vector<double> times;
    for (int i = 0; i < repeats + 2; ++i) {
      MPI_Barrier(MPI_COMM_WORLD);
      const double start = MPI_Wtime();
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      double elapsed = MPI_Wtime() - start, slowest = 0;
      MPI_Reduce(&elapsed, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
      if (i >= 2) times.push_back(slowest);  // the first two warm up the connections and buffers
    }
    if (rank == 0) {
      std::sort(times.begin(), times.end());
      const double median = times[times.size() / 2];
      const double busbw = 2.0 * (size - 1) / size * static_cast<double>(bytes) / median / 1e9;
      std::printf("%d,%zu,%.2f,%.2f,%.3f\n", size, bytes, median * 1e6, times.front() * 1e6, busbw);
    }
  }
  MPI_Finalize();
  return 0;
}
