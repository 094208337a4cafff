#include "dist/sweep.hpp"

#include <mpi.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include "common/error.hpp"
#include "dist/messages.hpp"

namespace llmsweep::dist {
namespace {

// MPI for the lifetime of a distributed command. Rank 0's writer thread never calls MPI, so
// the main thread alone does (MPI_THREAD_FUNNELED).
bool g_started_mpi = false;  // MPI was initialised here, so it is finalised here

void start_mpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  if (const char* pml = one_node_pml([](const char* name) { return std::getenv(name); }))
    ::setenv("OMPI_MCA_pml", pml, 0);
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw MpiError("MPI_Init failed");
  g_started_mpi = true;
}

class MpiSession {
 public:
  MpiSession() {
    start_mpi();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (g_started_mpi && !finalized) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

  // Rank 0's verdict (0 or an exit code) reaches every rank.
  int share_verdict(int verdict) const {
    MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return verdict;
  }
  // The worst exit code any rank reports reaches every rank.
  int agree(int code) const {
    int worst = code;
    MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
  }
  std::string share(std::string bytes) const {
    unsigned long long n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    bytes.resize(static_cast<std::size_t>(n));
    // In pieces: MPI counts are ints.
    for (unsigned long long at = 0; at < n; at += 1u << 30) {
      const int len = static_cast<int>(std::min<unsigned long long>(n - at, 1u << 30));
      MPI_Bcast(bytes.data() + at, len, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
    return bytes;
  }
  [[noreturn]] void abort(int code) const {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Runs `fn` and turns an error into its exit code, printed where `print` says.
template <class Fn>
int guarded(Fn&& fn, bool print, const std::string& prefix = {}) {
  try {
    fn();
    return kExitOk;
  } catch (const std::exception& e) {
    if (print) print_error(prefix + message_of(e));
    return exit_code_of(e);
  }
}

}  // namespace

const char* one_node_pml(const std::function<const char*(const char*)>& env) {
  if (env("OMPI_MCA_pml")) return nullptr;
  const char* size = env("OMPI_COMM_WORLD_SIZE");
  const char* local = env("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size && local) return std::string_view(size) == local ? "ob1" : nullptr;
  // Started alone: no launcher's variables (mpirun's, or PMIx's and PMI's under srun).
  for (const char* launcher :
       {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (env(launcher)) return nullptr;
  return "ob1";
}

int world_size() {
  start_mpi();
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

void shutdown_after_error(int code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) MPI_Abort(MPI_COMM_WORLD, code);
  if (g_started_mpi) MPI_Finalize();
}

int run_sweep(const SweepJob& job) {
  MpiSession mpi;
  const bool root = mpi.rank() == 0;
  const std::string where = root ? std::string() : "rank " + std::to_string(mpi.rank()) + ": ";
  // Before the run, every rank learns each verdict and returns the same code: nothing aborts.
  std::string bundle;
  int verdict = root ? guarded([&] { bundle = job.read_inputs(); }, true) : kExitOk;
  if ((verdict = mpi.share_verdict(verdict)) != kExitOk) return verdict;
  bundle = mpi.share(std::move(bundle));
  Evaluate evaluate;
  verdict = guarded([&] { evaluate = job.prepare(bundle); }, true, where);
  if ((verdict = mpi.agree(verdict)) != kExitOk) return verdict;
  Opened opened;
  verdict = root ? guarded([&] { opened = job.open(); }, true) : kExitOk;
  if ((verdict = mpi.share_verdict(verdict)) != kExitOk) return verdict;
  const io::SinkLayout layout =
      decode_layout(mpi.share(root ? encode(opened.sink->layout()) : std::string()));
  // During the run an error cannot be agreed on (the other ranks may be waiting for this one):
  // the rank that meets it prints it, gives up its results file cleanly, and takes every rank
  // down with its code.
  RunStats stats;
  Outcome outcome = Outcome::complete;
  int code = kExitOk;
  const int failed = guarded(
      [&] {
        outcome = run(MPI_COMM_WORLD, opened.pending, opened.done_before, layout, evaluate, opened.sink,
                      job.options, &stats);
        if (root) code = job.report(stats, outcome);
      },
      true, where);
  if (failed != kExitOk || (root && outcome == Outcome::workers_lost)) {
    const int exit_code = failed != kExitOk ? failed : code;
    if (root && job.abandon) job.abandon();
    if (mpi.size() > 1) mpi.abort(exit_code);
    return exit_code;
  }
  code = mpi.share_verdict(code);
  if (g_compute_abandoned) {
    // Rank 0's compute thread is still in a point that nobody waits for: end the process now,
    // before what it computes with is destroyed. Everything of the run is closed already.
    std::cout.flush();
    std::cerr.flush();
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
    std::_Exit(code);
  }
  return code;
}

}  // namespace llmsweep::dist
