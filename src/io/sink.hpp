// Where the coordinator puts results, and the encoding workers give them. The sink interface
// is its own CMake target (llmsweep_sink, no HDF5): dist/ sees this header and the codec only.
// The HDF5 output session is one sink; an in-memory sink serves tests and benchmarks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "grid/keep.hpp"
#include "grid/row.hpp"

namespace llmsweep::io {

// What every rank needs to give results in the file's own form.
struct SinkLayout {
  std::uint64_t points = 0;      // grid points
  std::uint32_t chunk_rows = 0;  // rows per HDF5 chunk of every /points column (keep = all)
  int levels = 1;                // per-level columns
  int deflate_level = 1;         // the columns' deflate filter level (after the shuffle filter)
  grid::KeepRule keep;
};

// One whole chunk of every /points column, each compressed with the file's own filters
// (shuffle, then deflate), as HDF5 stores it: rank 0 writes it with a direct chunk write.
struct EncodedChunk {
  std::uint64_t chunk = 0;           // rows [chunk * chunk_rows, + rows)
  std::uint32_t rows = 0;            // fewer than chunk_rows only for the grid's last chunk
  std::vector<std::uint32_t> sizes;  // compressed bytes of each column, schema order
  std::vector<unsigned char> bytes;  // the columns' blocks, concatenated
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual const SinkLayout& layout() const = 0;
  // Finished points; once a record call returns they are not lost on a crash.
  // Rows of consecutive indices (any part of the grid, keep = all).
  virtual void record(std::span<const grid::Row> rows) = 0;
  // Whole chunks (keep = all).
  virtual void record(const EncodedChunk& chunk) = 0;
  // A reduced piece (keep = feasible or best).
  virtual void record(const grid::KeptPiece& piece) = 0;
  // Makes recorded points visible in the results file (called periodically).
  virtual void checkpoint() = 0;
  // How long the last checkpoint took (checkpoints are paced by it).
  virtual double last_checkpoint_s() const { return 0; }
  // Everything recorded goes into the final file; nothing is recorded after this.
  virtual void close() = 0;
};

}  // namespace llmsweep::io
