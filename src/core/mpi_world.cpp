#include "core/mpi_world.h"

#include <fmt/format.h>

#include <iostream>
#include <limits>
#include <memory>
#include <stdexcept>

#ifdef RECUR_HAVE_MPI
#include <mpi.h>
#endif

namespace recur {

#ifdef RECUR_HAVE_MPI

namespace {

int message_count(size_t n) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw std::length_error(fmt::format("an MPI message of {} elements is too long", n));
  return static_cast<int>(n);
}

// MPI_COMM_WORLD. Errors keep MPI's default handler (MPI_ERRORS_ARE_FATAL):
// a failed collective ends the whole job rather than leaving ranks waiting.
class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    int provided = 0;
    // Only the thread that calls recur's training loop talks to MPI; OpenMP's workers never do.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_size_);
    MPI_Comm_free(&node);
  }
  ~MpiWorld() override {
    if (failed_ && size_ > 1) {
      std::cerr << fmt::format("recur: rank {} of {} stopped with the error above; stopping all ranks\n", rank_, size_);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranks_on_this_node() const override { return node_size_; }

  void all_reduce_sum(std::span<float> values) const override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), message_count(values.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  }
  void all_reduce_sum(std::span<double> values) const override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), message_count(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }
  std::vector<float> all_gather(std::span<const float> part) const override {
    const int mine = message_count(part.size());
    std::vector<int> counts(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
    MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    size_t total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[static_cast<size_t>(r)] = message_count(total);
      total += static_cast<size_t>(counts[static_cast<size_t>(r)]);
    }
    std::vector<float> all(total);
    MPI_Allgatherv(part.data(), mine, MPI_FLOAT, all.data(), counts.data(), offsets.data(), MPI_FLOAT,
                   MPI_COMM_WORLD);
    return all;
  }

  void mark_failed() { failed_ = true; }

 private:
  int rank_ = 0, size_ = 1, node_size_ = 1;
  bool failed_ = false;
};

// Destroyed at exit, after main returns: finalizes MPI, or aborts the job when this rank failed.
std::unique_ptr<MpiWorld>& world() {
  static std::unique_ptr<MpiWorld> instance;
  return instance;
}

}  // namespace

const Communicator* mpi_world_if_launched(bool launched) {
  if (!launched) return nullptr;
  if (!world()) world() = std::make_unique<MpiWorld>();
  return world().get();
}

void mark_mpi_world_failed() {
  if (world()) world()->mark_failed();
}

#else  // no RECUR_HAVE_MPI

const Communicator* mpi_world_if_launched(bool launched) {
  if (launched)
    throw std::runtime_error(
        "this recur was built without MPI (RECUR_MPI=OFF or no MPI found), so it cannot train across processes: "
        "run it without mpirun, or build it with -DRECUR_MPI=ON");
  return nullptr;
}

void mark_mpi_world_failed() {}

#endif

}  // namespace recur
