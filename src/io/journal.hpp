// The journal: an append-only file of finished results beside the results file, the durable
// record while a sweep runs. One write() per record, each with a checksum, so a process killed
// at any moment loses at most the record being written, which the next scan detects and drops.
// Records hold whole encoded chunks (the bytes the results file stores), raw rows of chunks
// computed in pieces, or reduced pieces (keep = feasible, best). A scan checks every record
// against the grid: a record that is whole but wrong (outside the grid, overlapping another,
// rows that belong elsewhere) is refused, never trusted.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "grid/grid.hpp"
#include "grid/keep.hpp"
#include "grid/row.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

enum class RecordKind : std::uint32_t { chunk = 1, rows = 2, kept = 3 };

// Where one record lies in the journal.
struct RecordEntry {
  RecordKind kind = RecordKind::rows;
  grid::IndexRange range;    // the points it covers
  std::uint64_t offset = 0;  // of its payload
  std::uint64_t bytes = 0;   // payload bytes
};

// Checks a row's stored position against its grid index (scenario and width position).
using RowCheck = std::function<bool(const grid::Row& row)>;

struct JournalScan {
  grid::RangeSet done;               // points with a result in the journal
  std::vector<RecordEntry> records;  // in file order
  std::uint64_t valid_bytes = 0;     // a torn tail after this was dropped
  bool dropped_tail = false;
};

class Journal {
 public:
  // A new journal; refuses an existing path.
  static Journal create(const std::string& path, const std::string& spec_hash, const SinkLayout& layout);
  // An existing journal for the same spec and layout: every record checked (`check` on every
  // row the records hold), a torn tail dropped. A damaged journal is a ResultFileError that
  // says how to continue from the results file.
  static Journal open(const std::string& path, const std::string& spec_hash, const SinkLayout& layout,
                      const std::vector<grid::Column>& columns, const RowCheck& check, JournalScan& scan,
                      const std::string& results_path);

  Journal(Journal&& o) noexcept;
  Journal& operator=(Journal&& o) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // Each returns where its payload lies. Rows must have consecutive indices.
  RecordEntry append(std::span<const grid::Row> rows);
  RecordEntry append(const EncodedChunk& chunk);
  RecordEntry append(const grid::KeptPiece& piece);
  void sync();

  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // A record's payload read back (any thread: reads do not move the file position).
  std::vector<grid::Row> read_rows(const RecordEntry& e) const;
  EncodedChunk read_chunk(const RecordEntry& e) const;
  grid::KeptPiece read_kept(const RecordEntry& e) const;
  // How many rows a kept piece holds, without reading them.
  std::uint64_t kept_row_count(const RecordEntry& e) const;

 private:
  Journal(std::string path, int fd, std::uint64_t size, SinkLayout layout)
      : path_(std::move(path)), fd_(fd), size_(size), layout_(std::move(layout)) {}
  RecordEntry write_record(RecordKind kind, grid::IndexRange range,
                           const std::vector<unsigned char>& payload);
  std::vector<unsigned char> read_payload(const RecordEntry& e) const;
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  SinkLayout layout_;
};

// A journal's bytes with the checksum of every whole record rewritten, as a crafted file would
// carry them: for the fuzz target and tests, which show that the scan's checks against the grid
// (not the checksum) refuse a crafted record. Stops at the first record that is not whole.
void reseal_journal(std::string& bytes);

}  // namespace llmsweep::io
