// The distributed protocol of a sweep, in one place: MPI start-up and shutdown, the inputs read
// once on rank 0 and broadcast (workers never read files), agreement on verdicts and exit
// codes, and abort. The composition root (cli/) supplies what to read, compute and open as
// callbacks, so dist/ knows neither the spec format nor HDF5.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dist/runner.hpp"
#include "io/sink.hpp"

namespace llmsweep::dist {

// What rank 0 opened for the run.
struct Opened {
  io::ResultSink* sink = nullptr;
  std::vector<grid::IndexRange> pending;
  std::uint64_t done_before = 0;
};

struct SweepJob {
  // Rank 0: reads every input (spec, profiles) into one bundle of bytes. May throw.
  std::function<std::string()> read_inputs;
  // Every rank: the computation, from the bundle alone. May throw.
  std::function<Evaluate(const std::string& bundle)> prepare;
  // Rank 0, after prepare: opens the results. May throw.
  std::function<Opened()> open;
  // Rank 0, after the run: reports it; returns the exit code.
  std::function<int(const RunStats&, Outcome)> report;
  // Rank 0, when the run fails: gives up the results cleanly (the file stays resumable).
  std::function<void()> abandon;
  RunOptions options;
};

// Runs the job on MPI_COMM_WORLD (initialising MPI when needed) and returns the exit code, the
// same on every rank. Errors before the run are agreed on (rank 0 prints its message, every
// rank returns its code, nothing is aborted); an error during the run prints on the rank that
// met it and aborts every rank with its code.
int run_sweep(const SweepJob& job);

// Open MPI's messaging layer for a run on one node, whose ranks talk through shared memory:
// "ob1" when every rank mpirun started is on this host, or this process was started alone, and
// the environment (`env` looks a variable up) names no layer (OMPI_MCA_pml); nullptr leaves the
// choice to Open MPI (srun, several nodes, a user's choice). Open MPI otherwise opens every
// layer at MPI_Init, and those for fabrics (cm, with PSM, PSM2 and OFI looking for adapters)
// took 0.2-0.3 s of every MPI_Init on this machine, a run of a million cheap points a tenth.
const char* one_node_pml(const std::function<const char*(const char*)>& env);

// The number of ranks this process runs among (1 without MPI); MPI is started if needed.
int world_size();

// After an error outside run_sweep: with other ranks running MPI, aborts them all with `code`
// (they would wait for this one forever); otherwise shuts MPI down if it was started.
void shutdown_after_error(int code);

}  // namespace llmsweep::dist
