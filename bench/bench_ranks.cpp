// Coordination efficiency with many ranks: every rank (rank 0's compute thread too) stands in
// for points of a known cost by sleeping it off, so that 64 ranks fit on 2 cores, and results
// go into a real results file (journal, writer thread, HDF5) as encoded chunks of real rows.
//   mpirun -n R --oversubscribe build/bench/bench_ranks COST_US [POINTS]
// Prints one line: ranks, cost, points, the ideal time (POINTS x COST / R), the actual time,
// their ratio (the coordination efficiency), and rank 0's message count.
#include <malloc.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "bench_support.hpp"
#include "dist/runner.hpp"
#include "io/codec.hpp"
#include "io/output_session.hpp"

namespace {

using namespace llmsweep;
using namespace llmsweep::bench;

// Sleeps `seconds` of stand-in work, kMinSleepS or more at a time: 64 ranks waking a thousand
// times a second each would spend the 2 cores on wake-ups that a real worker with a core of its
// own does not have. What is owed (less than kMinSleepS) is paid with a later point, so a piece
// of a few points may report less than its cost and the next more; with 20 ms steps, the first
// reports of 64 ranks looked nearly free, and the dispenser handed out pieces of 4 s.
constexpr double kMinSleepS = 0.002;
class Debt {
 public:
  void add(double seconds) {
    owed_ += seconds;
    if (owed_ < kMinSleepS) return;
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(owed_));
    owed_ -= since(t0);
  }

 private:
  double owed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  keep_heap_buffers();
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 2) {
    if (rank == 0) std::fprintf(stderr, "usage: mpirun -n R bench_ranks COST_US [POINTS]\n");
    MPI_Finalize();
    return 2;
  }
  const double cost = std::atof(argv[1]) * 1e-6;
  // About 6 s of ideal time by default.
  const auto n =
      argc > 2 ? std::strtoull(argv[2], nullptr, 10) : static_cast<std::uint64_t>(6.0 * size / cost);
  int levels = 2;
  io::FileMeta meta = meta_for(n, levels);
  const std::vector<grid::Row> rows = real_rows(io::chunk_rows_for(n), levels);
  meta.levels = levels;
  const io::SinkLayout layout = io::layout_of(meta);
  io::ChunkEncoder encoder(layout, grid::columns(levels, {}));
  const io::EncodedChunk encoded = encoder.encode(0, rows);
  // Each compute thread pays its own debt (rank 0's compute thread and the workers).
  thread_local Debt debt;
  dist::RunOptions o;
  o.progress = false;
  o.checkpoint_interval_s = 3600;
  o.stand_in_chunks = [&](std::uint64_t chunk, std::uint32_t count) {
    debt.add(cost * count);
    if (count == layout.chunk_rows) {
      io::EncodedChunk c = encoded;
      c.chunk = chunk;
      return c;
    }
    return encoder.encode(chunk, std::span<const grid::Row>(rows).first(count));
  };
  const std::size_t k = rows.size();
  const dist::Evaluate evaluate = [&](std::uint64_t i) {
    debt.add(cost);
    grid::Row r = rows[i % k];
    r.width_index = static_cast<std::int64_t>(i);
    return r;
  };
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_ranks_" + std::to_string(getpid()) + ".h5")).string();
  std::unique_ptr<io::OutputSession> session;
  if (rank == 0) session = std::make_unique<io::OutputSession>(path, meta, io::OpenMode::create);
  dist::RunStats stats;
  MPI_Barrier(MPI_COMM_WORLD);
  const auto t0 = Clock::now();
  dist::run(MPI_COMM_WORLD,
            rank == 0 ? std::vector<grid::IndexRange>{{0, n}} : std::vector<grid::IndexRange>{}, 0, layout,
            evaluate, session.get(), o, &stats);
  const double actual = since(t0);
  if (rank == 0) {
    const double ideal = static_cast<double>(n) * cost / size;
    std::printf(
        "ranks %3d  cost %7.1f us  points %10llu  ideal %6.2f s  actual %6.2f s  efficiency %5.1f %%  "
        "reports %llu\n",
        size, cost * 1e6, static_cast<unsigned long long>(n), ideal, actual, 100 * ideal / actual,
        static_cast<unsigned long long>(stats.reports));
    std::printf("  rank 0 computed %llu, last point at %.2f s, closing %.2f s\n",
                (unsigned long long)stats.computed_by_coordinator, stats.last_point_s, stats.close_s);
    session.reset();
    std::filesystem::remove(path);
  }
  MPI_Finalize();
  return 0;
}
