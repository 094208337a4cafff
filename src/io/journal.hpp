// The journal: an append-only file of finished rows beside the results file. It is the
// durable record while a sweep runs: one write() per record, each with a checksum, so a
// process killed at any moment loses at most the record being written, which a later scan
// detects and drops. The HDF5 file is brought up to date from it (merged) periodically.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "grid/grid.hpp"
#include "grid/row.hpp"

namespace llmsweep::io {

struct JournalScan {
  grid::RangeSet done;  // points with a row in the journal
  std::uint64_t rows = 0;
  std::uint64_t valid_bytes = 0;   // the scan dropped anything after this
  std::uint64_t merged_bytes = 0;  // rows before this offset are in the results file
  bool merge_interrupted = false;  // a merge began and did not end: the results file is suspect
};

class Journal {
 public:
  // A new journal; refuses an existing path.
  static Journal create(const std::string& path, const std::string& spec_hash, std::uint64_t points);
  // An existing journal for the same spec and grid; drops a torn tail.
  static Journal open(const std::string& path, const std::string& spec_hash, std::uint64_t points,
                      JournalScan& scan);

  Journal(Journal&& o) noexcept;
  Journal& operator=(Journal&& o) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // Rows must have consecutive indices (one work chunk); larger spans are split.
  void append(std::span<const grid::Row> rows);
  void merge_begin();
  void merge_end(std::uint64_t merged_bytes);
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Calls fn with batches of rows from the records in [from, to).
  void read(std::uint64_t from, std::uint64_t to,
            const std::function<void(std::span<const grid::Row>)>& fn) const;

 private:
  Journal(std::string path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  void write_record(std::uint32_t kind, std::uint64_t first, std::uint64_t count, const void* payload,
                    std::size_t bytes);
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace llmsweep::io
