// The grid: mixed-radix indexing over the axes (the last axis varies fastest), and index
// ranges for handing out work.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "grid/axes.hpp"

namespace llmsweep::grid {

enum class Axis : int {
  hardware,
  width,
  ff_ratio,
  depth,
  experts,
  batch,
  batch_multiplier,
  seq_len,
  run_months,
  zero_bubble_allowed,
  model,
  zb_latency,
  search,
  cluster_sizes,
  failures,
  sites,
  ramp,
  gpus,
  dp,
  tp_model,
  tp_ff,
  pp,
  ep,
  microbatches,
  interleave,
  zero_bubble,
};
inline constexpr int kAxisCount = 26;

const char* axis_name(Axis a);

using Digits = std::array<std::uint32_t, kAxisCount>;

class Grid {
 public:
  explicit Grid(Axes axes);

  const Axes& axes() const { return axes_; }
  std::uint64_t size() const { return size_; }
  std::uint32_t axis_size(Axis a) const { return sizes_[static_cast<std::size_t>(a)]; }
  // Axes with more than one value, in grid order.
  std::vector<Axis> varied_axes() const;
  // Human-readable label of every value of an axis (stored in results files).
  std::vector<std::string> axis_labels(Axis a) const;

  Digits digits_at(std::uint64_t index) const;
  std::uint64_t index_of(const Digits& d) const;
  // The index over every axis but the width: points that differ only in width share it.
  std::uint64_t scenario_of(const Digits& d) const;

 private:
  Axes axes_;
  std::array<std::uint32_t, kAxisCount> sizes_{};
  std::uint64_t size_ = 0;
};

// A half-open range of grid indices.
struct IndexRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool operator==(const IndexRange&) const = default;
};

// Sorted, disjoint ranges; adjacent ranges merge. Tracks which points are done.
class RangeSet {
 public:
  void add(IndexRange r);
  bool contains(std::uint64_t index) const;
  std::uint64_t count() const { return count_; }
  // The ranges of [0, n) not in the set.
  std::vector<IndexRange> complement(std::uint64_t n) const;
  const std::vector<IndexRange>& ranges() const { return ranges_; }

 private:
  std::vector<IndexRange> ranges_;
  std::uint64_t count_ = 0;
};

}  // namespace llmsweep::grid
