// The life of one results file, as the sweep's result sink on rank 0.
//
// Files: OUT.h5 is what readers open; it is only ever replaced whole (a new file renamed over
// it), so a reader holding it open never meets a half-written file and never blocks the sweep.
// OUT.h5.journal is the durable record (every finished point, before anything else). With
// keep = all, OUT.h5.work is the working file that a writer thread fills with whole chunks as
// they arrive (HDF5 direct chunk writes of the bytes the workers compressed); a checkpoint
// copies it over OUT.h5, and the end of the run renames it there. Kept-row files are written
// afresh from the journal at each checkpoint. OUT.h5.lock keeps two sweeps off one file.
//
// Open modes are explicit: create refuses an existing file, resume checks the spec hash and
// rebuilds the working file from the journal, overwrite needs a flag and replaces only an
// llmsweep file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "grid/grid.hpp"
#include "io/results_file.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

enum class OpenMode { create, resume, overwrite };

std::string journal_path(const std::string& results_path);
std::string lock_path(const std::string& results_path);
std::string work_path(const std::string& results_path);

// Bytes a keep = all file takes per point, before the first chunks tell (measured on the
// shipped specs: 15-20 after shuffle + deflate; rounded up).
inline constexpr double kBytesPerPointEstimate = 24;

class OutputSession : public ResultSink {
 public:
  OutputSession(const std::string& path, const FileMeta& meta, OpenMode mode);
  ~OutputSession() override;
  OutputSession(const OutputSession&) = delete;
  OutputSession& operator=(const OutputSession&) = delete;

  const SinkLayout& layout() const override;
  // Points finished before this run (empty for a new file).
  const grid::RangeSet& done() const;
  bool complete() const;
  // What resume found, for the log ("1234 of 5000 points already done; rebuilt ...").
  const std::string& resume_note() const;
  // The results' size on disk as the run goes (journal bytes), for estimates.
  std::uint64_t journal_bytes() const;
  // Bytes a point takes in the file, from the whole chunks recorded so far (0 before any).
  double bytes_per_point() const;

  void record(std::span<const grid::Row> rows) override;
  void record(const EncodedChunk& chunk) override;
  void record(const grid::KeptPiece& piece) override;
  void checkpoint() override;
  double last_checkpoint_s() const override;
  // Writes the final file (marked complete when every point is done, and the journal removed);
  // releases the lock either way.
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Free bytes on the file system that holds `path`'s folder (0 when it cannot be told).
std::uint64_t free_bytes_near(const std::string& path);

}  // namespace llmsweep::io
