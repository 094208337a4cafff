// Runs a sweep over MPI: rank 0 coordinates (hands out pieces of the grid, records results
// through the sink, checkpoints, prints progress) and computes points between messages; the
// other ranks compute. With one rank, rank 0 does everything itself.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <iosfwd>
#include <vector>

#include "dist/piece.hpp"
#include "grid/grid.hpp"
#include "io/sink.hpp"

namespace llmsweep::dist {

struct RunOptions {
  double checkpoint_interval_s = 60;  // snapshots of the results file for readers
  double chunk_target_s = 0.25;       // pieces aim at about this much work
  std::uint64_t max_piece = std::uint64_t{1} << 20;
  bool coordinator_computes = true;  // rank 0 computes between messages
  bool progress = true;
  double progress_interval_s = 10;       // when stderr is not a terminal
  std::ostream* progress_out = nullptr;  // default std::cerr
  // The longest wait for workers' last results once stopping: SIGUSR1 (and a worker's own
  // stop) waits for the points in progress; SIGTERM and SIGINT wait briefly, since launchers
  // such as mpirun kill the ranks about a second after forwarding them.
  double stop_grace_s = 60;
  double quick_stop_s = 0.05;
  // Called on rank 0 once the first seconds of results tell the rate (estimates for the log).
  std::function<void(double points_per_s)> on_first_estimate;
  // Benchmarks of rank 0's intake only: workers give these chunks for whole chunks instead of
  // computing and encoding them (they stand in for workers that cost nothing).
  ChunkStandIn stand_in_chunks;
};

enum class Outcome { complete, stopped, workers_lost };

struct RunStats {
  std::uint64_t computed = 0;  // points computed in this run, all ranks
  std::uint64_t computed_by_coordinator = 0;
  std::uint64_t reports = 0;
  double seconds = 0;       // the whole run, the final file included
  double last_point_s = 0;  // when the last result was recorded
  double close_s = 0;       // writing the final file after it
};

// Set when rank 0 gave up a point still being computed (a quick stop): the process must end
// without waiting for it, and without destroying what it uses (dist::run_sweep does).
extern bool g_compute_abandoned;

// Collective over `comm`. Rank 0 passes the pending index ranges, the grid size and a sink;
// the other ranks pass {} and nullptr. Every rank passes the same layout. Returns on every
// rank; Outcome matters on rank 0.
Outcome run(MPI_Comm comm, const std::vector<grid::IndexRange>& pending, std::uint64_t already_done,
            const io::SinkLayout& layout, const Evaluate& evaluate, io::ResultSink* sink,
            const RunOptions& options, RunStats* stats = nullptr);

}  // namespace llmsweep::dist
