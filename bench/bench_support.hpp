// What the sweep-engine benchmarks share: a sink that drops everything, the metadata of a
// one-axis file, and real rows to encode (bench/million.toml's explicit plans).
#pragma once

#include <malloc.h>

#include <chrono>
#include <string>
#include <vector>

#include "config/spec.hpp"
#include "grid/evaluate_point.hpp"
#include "io/results_file.hpp"
#include "io/sink.hpp"

namespace llmsweep::bench {

// As llmsweep sweep does: large buffers stay in the heap instead of being mapped and unmapped
// (fresh pages fault in on every chunk otherwise).
inline void keep_heap_buffers() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

using Clock = std::chrono::steady_clock;

inline double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class NullSink final : public io::ResultSink {
 public:
  explicit NullSink(io::SinkLayout l) : layout_(std::move(l)) {}
  const io::SinkLayout& layout() const override { return layout_; }
  void record(std::span<const grid::Row> rows) override { count += rows.size(); }
  void record(const io::EncodedChunk& c) override { count += c.rows; }
  void record(const grid::KeptPiece& p) override { count += p.range.size(); }
  void checkpoint() override {}
  void close() override {}
  std::uint64_t count = 0;

 private:
  io::SinkLayout layout_;
};

inline io::FileMeta meta_for(std::uint64_t points, int levels) {
  io::FileMeta m;
  m.sweep_name = "bench_coordinator";
  m.spec_hash = std::string(64, '0');
  m.points = points;
  m.levels = levels;
  m.hardware_stems = {"h100-sxm"};
  m.hardware_names = {"H100 SXM"};
  m.utilization_caps = {0.7};
  m.profile_texts = {""};
  m.axis_names = {"width"};
  m.axis_sizes = {static_cast<std::int64_t>(points)};
  m.axis_labels = {{"-"}};
  return m;
}

// Real rows: the first chunk of bench/million.toml's explicit plans, with the grid position
// columns of this benchmark's one-axis grid.
inline std::vector<grid::Row> real_rows(std::uint32_t n, int& levels) {
  const config::SweepSpec spec = config::load_spec(LLMSWEEP_BENCH_MILLION_SPEC, LLMSWEEP_BENCH_PROFILE_DIR);
  const grid::Grid g(spec.axes);
  grid::PointEvaluator ev(g);
  levels = spec.max_levels;
  std::vector<grid::Row> rows;
  for (std::uint32_t i = 0; i < n; ++i) {
    grid::Row r = ev.evaluate(i);
    r.index = i;
    r.scenario = 0;
    r.width_index = i;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace llmsweep::bench
