// Hands out the pending points in pieces. Points differ in cost by orders of magnitude, and
// costly ones cluster (a slow profile is a block of the grid), so the pending points are cut
// into stripes handed out in turn: every rank meets the costly blocks at the same time. Pieces
// aim at a target time by the cost seen so far (a decaying maximum, so that a turn to costly
// points shrinks them at once) and shrink toward the end, so that the last ones finish
// together. Pieces follow the file's chunks: where a whole chunk is cheap, pieces are whole
// chunks (the workers compress them); otherwise a piece never crosses a chunk boundary.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "grid/grid.hpp"

namespace llmsweep::dist {

class Dispenser {
 public:
  Dispenser(const std::vector<grid::IndexRange>& pending, double target_s, std::uint64_t max_piece,
            int computers, std::uint64_t chunk_rows);

  bool empty() const { return remaining_ == 0; }
  std::uint64_t remaining() const { return remaining_; }
  grid::IndexRange next();
  void observe(std::uint64_t points, double seconds);
  double seconds_per_point() const { return estimate_s_; }

 private:
  std::uint64_t want() const;
  bool cheap_chunks() const;
  bool first_look() const;

  std::vector<std::deque<grid::IndexRange>> stripes_;
  std::size_t turn_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t total_ = 0;
  double target_s_;
  std::uint64_t max_;
  int computers_;
  std::uint64_t chunk_;
  double estimate_s_ = 0;
  double recent_max_s_ = 0;
  std::uint64_t seen_points_ = 0;  // points reported so far, and their seconds
  double seen_s_ = 0;
};

}  // namespace llmsweep::dist
