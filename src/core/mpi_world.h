// The MPI side of process_group() (include/recur/communicator.h), kept apart
// so that only src/core/mpi_world.cpp includes <mpi.h>; in a build without
// RECUR_MPI these do nothing.
#pragma once

#include "recur/communicator.h"

namespace recur {

// The MPI world, initialized on first use, when `launched` by mpirun and the
// build has MPI; else nullptr. A launched build without MPI says so once.
const Communicator* mpi_world_if_launched(bool launched);

// See mark_process_failed().
void mark_mpi_world_failed();

}  // namespace recur
