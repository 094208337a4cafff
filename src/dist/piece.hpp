// One rank's share of the work: a piece of the grid computed point by point, its results given
// in the file's own form. A segment of the piece that is a whole chunk of the file is encoded
// here (compressed with the file's filters), so that rank 0 only moves bytes; a part of a chunk
// goes as raw rows; with keep = feasible or best the piece is reduced here.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "dist/messages.hpp"
#include "grid/grid.hpp"
#include "grid/keep.hpp"
#include "io/codec.hpp"
#include "io/sink.hpp"

namespace llmsweep::dist {

using Evaluate = std::function<grid::Row(std::uint64_t index)>;
// An encoded chunk given instead of computed (benchmarks of rank 0's intake).
using ChunkStandIn = std::function<io::EncodedChunk(std::uint64_t chunk, std::uint32_t rows)>;

class PieceWork {
 public:
  PieceWork(const io::SinkLayout& layout, const Evaluate& evaluate, ChunkStandIn stand_in = {});

  void start(grid::IndexRange piece);
  bool active() const { return next_ < piece_.end; }
  grid::IndexRange piece() const { return piece_; }
  // Computes the next point; returns a report when results are ready (a chunk is whole, a
  // segment or the piece ended).
  std::optional<Report> step();
  // What is computed of the piece so far, given now (a stop); the piece ends.
  std::optional<Report> cut();

 private:
  std::uint64_t segment_end() const;
  Report take_segment();

  io::SinkLayout layout_;
  const Evaluate& evaluate_;
  ChunkStandIn stand_in_;
  std::vector<grid::Column> columns_;
  io::ChunkEncoder encoder_;
  std::unique_ptr<grid::Reducer> reducer_;  // keep = feasible, best
  grid::IndexRange piece_;
  std::uint64_t next_ = 0;
  std::uint64_t segment_begin_ = 0;
  std::vector<grid::Row> rows_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace llmsweep::dist
