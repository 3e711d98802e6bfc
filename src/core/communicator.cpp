#include "recur/communicator.h"

#include <fmt/format.h>

#include <cstdlib>  // getenv
#include <cstring>

#include "core/mpi_world.h"

namespace recur {

Shard Communicator::shard_of(int64_t count, int rank) const {
  const int64_t n = size(), r = rank;
  return {count * r / n, count * (r + 1) / n};
}

std::string describe_rank(const Communicator& group) {
  return group.distributed() ? fmt::format("rank {} of {}", group.rank(), group.size()) : "";
}

namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int ranks_on_this_node() const override { return 1; }
  void all_reduce_sum(std::span<float>) const override {}
  void all_reduce_sum(std::span<double>) const override {}
  std::vector<float> all_gather(std::span<const float> part) const override { return {part.begin(), part.end()}; }
};

// mpirun (Open MPI) and other PMIx launchers set these in every process they start.
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (const char* value = std::getenv(name); value != nullptr && std::strlen(value) > 0) return true;
  return false;
}

}  // namespace

const Communicator& single_process() {
  static const SingleProcess one;
  return one;
}

const Communicator& process_group() {
  if (const Communicator* world = mpi_world_if_launched(started_by_mpi_launcher())) return *world;
  return single_process();
}

void mark_process_failed() { mark_mpi_world_failed(); }

}  // namespace recur
