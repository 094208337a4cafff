// Where the coordinator puts results. The HDF5 output session is one sink; an in-memory sink
// serves tests and benchmarks.
#pragma once

#include <span>
#include <vector>

#include "grid/row.hpp"

namespace llmsweep::io {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Rows of finished points, in any order; once this returns they are not lost on a crash.
  virtual void record(std::span<const grid::Row> rows) = 0;
  // Makes recorded rows visible in the results file (called periodically and at the end).
  virtual void checkpoint() = 0;
};

class MemorySink : public ResultSink {
 public:
  void record(std::span<const grid::Row> rows) override {
    rows_.insert(rows_.end(), rows.begin(), rows.end());
  }
  void checkpoint() override { ++checkpoints_; }
  const std::vector<grid::Row>& rows() const { return rows_; }
  int checkpoints() const { return checkpoints_; }

 private:
  std::vector<grid::Row> rows_;
  int checkpoints_ = 0;
};

}  // namespace llmsweep::io
