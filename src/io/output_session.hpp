// The life of one results file: explicit open modes (create refuses an existing file, resume
// checks the spec hash, overwrite needs a flag), a lock so that two sweeps never write one
// file, the journal that makes every recorded row durable, and periodic merges into HDF5.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "grid/grid.hpp"
#include "io/journal.hpp"
#include "io/results_file.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

enum class OpenMode { create, resume, overwrite };

std::string journal_path(const std::string& results_path);
std::string lock_path(const std::string& results_path);

class OutputSession : public ResultSink {
 public:
  OutputSession(const std::string& path, const FileMeta& meta, OpenMode mode);
  ~OutputSession() override;
  OutputSession(const OutputSession&) = delete;
  OutputSession& operator=(const OutputSession&) = delete;

  // Points finished before this run (empty for a new file).
  const grid::RangeSet& done() const { return done_; }
  bool complete() const { return done_.count() == meta_.points; }
  // What resume found, for the log ("resumed: 1234 of 5000 points done; rebuilt from journal").
  const std::string& resume_note() const { return note_; }

  void record(std::span<const grid::Row> rows) override;
  void checkpoint() override;
  // Merges everything; when every point is done, marks the file complete and removes the
  // journal. Releases the lock either way.
  void finish();

 private:
  void lock();
  void unlock();
  void open_create();
  void open_resume();
  void rebuild_results_file();
  void merge(bool mark_complete);

  std::string path_;
  FileMeta meta_;
  int lock_fd_ = -1;
  std::optional<Journal> journal_;
  grid::RangeSet done_;
  std::uint64_t merged_bytes_ = 0;
  std::string note_;
};

}  // namespace llmsweep::io
