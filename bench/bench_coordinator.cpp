// How many points per second one coordinator can take in when workers cost nothing: run under
// mpirun with K ranks (rank 0 only coordinates; K-1 workers return a trivial row at once).
//   mpirun -n 3 build/bench/bench_coordinator [points]
// Prints the rate into a sink that drops rows (the messaging alone) and into a real results
// file (journal appends, and HDF5 merges every 5 s and at the end).
#include <mpi.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "dist/runner.hpp"
#include "io/output_session.hpp"

namespace {

using namespace llmsweep;

class NullSink : public io::ResultSink {
 public:
  void record(std::span<const grid::Row> rows) override { count += rows.size(); }
  void checkpoint() override {}
  std::uint64_t count = 0;
};

io::FileMeta meta_for(std::uint64_t points) {
  io::FileMeta m;
  m.sweep_name = "bench_coordinator";
  m.spec_hash = std::string(64, '0');
  m.points = points;
  m.levels = 2;
  m.hardware_stems = {"trivial"};
  m.hardware_names = {"trivial"};
  m.utilization_caps = {1};
  m.profile_texts = {""};
  m.axis_names = {"width"};
  m.axis_sizes = {static_cast<std::int64_t>(points)};
  m.axis_labels = {{"-"}};
  return m;
}

double run_once(std::uint64_t n, io::ResultSink* sink, dist::RunStats& stats) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const dist::Evaluate trivial = [](std::uint64_t i) {
    grid::Row r;
    r.index = i;
    r.status = 0;
    return r;
  };
  dist::RunOptions o;
  o.progress = false;
  o.coordinator_computes = false;
  o.checkpoint_interval_s = 5;
  MPI_Barrier(MPI_COMM_WORLD);
  const auto t0 = std::chrono::steady_clock::now();
  dist::run(MPI_COMM_WORLD,
            rank == 0 ? std::vector<grid::IndexRange>{{0, n}} : std::vector<grid::IndexRange>{}, n, 0,
            trivial, rank == 0 ? sink : nullptr, o, &stats);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    if (rank == 0) std::fprintf(stderr, "run under mpirun with at least 2 ranks\n");
    MPI_Finalize();
    return 2;
  }
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  NullSink null;
  dist::RunStats stats;
  const double t_null = run_once(n, &null, stats);
  if (rank == 0)
    std::printf(
        "coordinator, %d worker(s), rows dropped:        %10.0f points/s (%llu points in %.2f s, %llu "
        "chunks)\n",
        size - 1, static_cast<double>(n) / t_null, static_cast<unsigned long long>(n), t_null,
        static_cast<unsigned long long>(stats.chunks));
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_coordinator_" + std::to_string(getpid()) + ".h5"))
          .string();
  std::unique_ptr<io::OutputSession> session;
  if (rank == 0) session = std::make_unique<io::OutputSession>(path, meta_for(n), io::OpenMode::create);
  const double t_file = run_once(n, session.get(), stats);
  double t_finish = 0;
  if (rank == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    session->finish();
    t_finish = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::printf(
        "coordinator, %d worker(s), journal + HDF5 merges:  %10.0f points/s (%.2f s, then %.2f s final "
        "merge)\n",
        size - 1, static_cast<double>(n) / (t_file + t_finish), t_file, t_finish);
    std::printf("rank 0 peak memory: %.1f MB\n", static_cast<double>(u.ru_maxrss) / 1024.0);
    std::filesystem::remove(path);
  }
  MPI_Finalize();
  return 0;
}
