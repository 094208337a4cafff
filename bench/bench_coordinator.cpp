// How many rows per second one coordinator takes in when workers cost nothing:
//   mpirun -n 3 --oversubscribe build/bench/bench_coordinator [points]
// Rank 0 only coordinates; every other rank stands in for a worker that costs nothing: for each
// chunk it is handed it sends a chunk already encoded with the file's filters (real rows of
// bench/million.toml, encoded once). Printed: the intake into a sink that drops everything
// (messages alone); the end-to-end intake into a real results file (journal, writer thread,
// HDF5 working file, the final file complete and crash-safe, timed until it is in place); the
// cost a worker pays to encode a chunk of real rows itself; and last, one line
//   ingest: N rows/s
// for the end-to-end path.
#include <malloc.h>
#include <mpi.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_support.hpp"
#include "config/spec.hpp"
#include "dist/runner.hpp"
#include "grid/evaluate_point.hpp"
#include "io/codec.hpp"
#include "io/output_session.hpp"

namespace {

using namespace llmsweep;
using namespace llmsweep::bench;

double run_once(std::uint64_t n, const io::SinkLayout& layout, io::ResultSink* sink,
                const dist::ChunkStandIn& chunk, dist::RunStats& stats, double* close_s = nullptr) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  dist::RunOptions o;
  o.progress = false;
  o.coordinator_computes = false;
  o.checkpoint_interval_s = 3600;
  o.stand_in_chunks = chunk;
  const dist::Evaluate none = [](std::uint64_t) { return grid::Row{}; };
  MPI_Barrier(MPI_COMM_WORLD);
  const auto t0 = Clock::now();
  dist::run(MPI_COMM_WORLD,
            rank == 0 ? std::vector<grid::IndexRange>{{0, n}} : std::vector<grid::IndexRange>{}, 0, layout,
            none, rank == 0 ? sink : nullptr, o, &stats);
  const double total = since(t0);
  if (close_s) *close_s = stats.close_s;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  keep_heap_buffers();
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    if (rank == 0) std::fprintf(stderr, "run under mpirun with at least 2 ranks\n");
    MPI_Finalize();
    return 2;
  }
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : (std::uint64_t{1} << 24);
  io::FileMeta meta = meta_for(n, 2);
  int levels = 2;
  const std::vector<grid::Row> rows = real_rows(io::chunk_rows_for(n), levels);
  meta.levels = levels;
  const io::SinkLayout layout = io::layout_of(meta);
  // Encoded once; every chunk a stand-in worker sends carries these bytes.
  io::ChunkEncoder encoder(layout, grid::columns(levels, {}));
  const auto t_encode = Clock::now();
  io::EncodedChunk encoded = encoder.encode(0, rows);
  constexpr int kEncodes = 8;
  for (int i = 1; i < kEncodes; ++i) encoded = encoder.encode(0, rows);
  const double encode_rate = kEncodes * static_cast<double>(rows.size()) / since(t_encode);
  const dist::ChunkStandIn stand_in = [&encoded, &layout, &encoder, &rows](std::uint64_t chunk,
                                                                           std::uint32_t count) {
    if (count == layout.chunk_rows) {
      io::EncodedChunk c = encoded;
      c.chunk = chunk;
      return c;
    }
    return encoder.encode(chunk, std::span<const grid::Row>(rows).first(count));  // the grid's edge chunk
  };
  dist::RunStats stats;
  NullSink null(layout);
  const double t_null = run_once(n, layout, rank == 0 ? &null : nullptr, stand_in, stats);
  if (rank == 0)
    std::printf(
        "%d stand-in worker(s), rows dropped:           %12.0f rows/s (%llu rows in %.2f s, %llu reports)\n",
        size - 1, static_cast<double>(n) / t_null, static_cast<unsigned long long>(n), t_null,
        static_cast<unsigned long long>(stats.reports));
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bench_coordinator_" + std::to_string(getpid()) + ".h5"))
          .string();
  std::unique_ptr<io::OutputSession> session;
  if (rank == 0) session = std::make_unique<io::OutputSession>(path, meta, io::OpenMode::create);
  double close_s = 0;
  const double t_file = run_once(n, layout, session.get(), stand_in, stats, &close_s);
  if (rank == 0) {
    const bool complete = session->complete() && io::read_info(path).complete;
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double rate = static_cast<double>(n) / t_file;
    std::printf(
        "%d stand-in worker(s), journal + HDF5 file:     %12.0f rows/s (%.2f s, of which %.3f s closing; "
        "file %s, %.1f MB, %.1f bytes a row)\n",
        size - 1, rate, t_file, close_s, complete ? "complete" : "INCOMPLETE",
        static_cast<double>(std::filesystem::file_size(path)) / 1e6,
        static_cast<double>(std::filesystem::file_size(path)) / static_cast<double>(n));
    std::printf("a worker encoding chunks of real rows itself:  %12.0f rows/s per core\n", encode_rate);
    std::printf("rank 0 peak memory: %.1f MB\n", static_cast<double>(u.ru_maxrss) / 1024.0);
    std::printf("ingest: %.0f rows/s\n", rate);
    session.reset();
    std::filesystem::remove(path);
  }
  MPI_Finalize();
  return 0;
}
