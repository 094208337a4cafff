// Runs a sweep over MPI: rank 0 coordinates (hands out chunks of grid indices, records results
// through the sink, checkpoints, prints progress) and computes points between messages; the
// other ranks compute. With one rank, rank 0 does everything itself.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <vector>

#include "grid/grid.hpp"
#include "grid/row.hpp"
#include "io/sink.hpp"

namespace llmsweep::dist {

using Evaluate = std::function<grid::Row(std::uint64_t index)>;

struct RunOptions {
  double checkpoint_interval_s = 60;  // merges of recorded rows into the results file
  double chunk_target_s = 0.25;       // chunks aim at about this much work
  std::uint64_t max_chunk = 4096;
  bool coordinator_computes = true;  // rank 0 computes between messages
  bool progress = true;
  double progress_interval_s = 10;       // when stderr is not a terminal
  std::ostream* progress_out = nullptr;  // default std::cerr
  double stop_grace_s = 60;              // longest wait for workers once stopping
};

enum class Outcome { complete, stopped, workers_lost };

struct RunStats {
  std::uint64_t computed = 0;  // points computed in this run, all ranks
  std::uint64_t computed_by_coordinator = 0;
  std::uint64_t chunks = 0;
  double seconds = 0;
};

// Collective over `comm`. Rank 0 passes the pending index ranges, the grid size and a sink;
// the other ranks pass {} and nullptr. Returns on every rank; Outcome matters on rank 0.
Outcome run(MPI_Comm comm, const std::vector<grid::IndexRange>& pending, std::uint64_t total_points,
            std::uint64_t already_done, const Evaluate& evaluate, io::ResultSink* sink,
            const RunOptions& options, RunStats* stats = nullptr);

}  // namespace llmsweep::dist
