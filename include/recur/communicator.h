// Communicator: the processes that train one model together, data-parallel
// (docs/scaling.md). Every process holds a replica of the model and trains on
// its shard of each global batch; the Trainer averages the gradients across
// processes before the optimizer step. One process alone is the communicator
// of size 1, whose operations do nothing: the same code path runs with or
// without MPI.
//
// The MPI implementation exists only in builds with RECUR_MPI (CMake found
// MPI) and is used only when the program was started by an MPI launcher
// (mpirun sets OMPI_COMM_WORLD_SIZE / PMIX_RANK); otherwise process_group()
// is the single process and MPI is never initialized.
//
// all_reduce_sum and all_gather are collective: all processes call them,
// in the same order (all_reduce_sum with the same sizes).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace recur {

// A contiguous part [begin, end) of a global batch of `count` items.
struct Shard {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // The processes of the group on this machine (they share its cores).
  virtual int ranks_on_this_node() const = 0;
  bool is_root() const { return rank() == 0; }
  bool distributed() const { return size() > 1; }

  // This process's part of `count` items: block r of size floor or ceil of
  // count / size, in rank order, so the parts concatenate to [0, count). A
  // rank gets nothing when count < size.
  Shard shard(int64_t count) const { return shard_of(count, rank()); }
  // Rank `rank`'s part.
  Shard shard_of(int64_t count, int rank) const;

  // In place: every process ends with the element-wise sum over processes.
  virtual void all_reduce_sum(std::span<float> values) const = 0;
  virtual void all_reduce_sum(std::span<double> values) const = 0;
  // The parts of all processes concatenated in rank order (parts may differ in length).
  virtual std::vector<float> all_gather(std::span<const float> part) const = 0;
};

// The one process, alone.
const Communicator& single_process();

// The processes this program was started as: an MPI world under mpirun (in a
// build with RECUR_MPI), else single_process(). MPI is initialized on the
// first call and finalized at exit.
const Communicator& process_group();

// "rank 1 of 4" for messages, or "" for one process.
std::string describe_rank(const Communicator& group);

// This process is ending because of an error whose message it has printed.
// In a distributed job, the exit then aborts the whole job (MPI_Abort, after
// a line naming this rank) instead of finalizing MPI while the other ranks
// wait for this one: no hang. Does nothing for one process.
void mark_process_failed();

}  // namespace recur
