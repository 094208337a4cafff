// The HDF5 results file (docs/results-format.md). /points holds equal-length 1-D columns that
// share one dimension, `point` (a netCDF-style dimension scale, so xarray opens the group as
// it is), each chunked and compressed with shuffle + deflate, with units, long_name and a
// description; categorical columns carry labels and CF flag_values/flag_meanings. With
// keep = all, row i is grid point i; with keep = feasible or best, /points holds the kept rows
// in ascending grid index and a `grid_index` column. The root holds what makes the file
// describe itself (schema, versions, spec and profile texts, what was kept, progress).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "grid/keep.hpp"
#include "grid/row.hpp"
#include "grid/schema.hpp"
#include "io/sink.hpp"

namespace llmsweep::io {

// Everything written once at creation.
struct FileMeta {
  std::string sweep_name;
  std::string description;
  std::string spec_path;
  std::string spec_text;
  std::string spec_hash;  // SHA-256 of the canonical grid description
  std::string spec_canonical;
  std::uint64_t points = 0;
  int levels = 1;                // per-level columns
  std::uint32_t chunk_rows = 0;  // 0: chosen from the grid size (chunk_rows_for)
  grid::KeepRule keep;
  std::vector<std::string> hardware_stems;
  std::vector<std::string> hardware_names;
  std::vector<double> utilization_caps;
  std::vector<std::string> profile_texts;
  std::vector<std::string> axis_names;
  std::vector<std::int64_t> axis_sizes;
  std::vector<std::vector<std::string>> axis_labels;
  std::vector<std::string> varied_axes;
};

// The figures that change as a sweep runs.
struct FileProgress {
  std::uint64_t points_done = 0;
  bool complete = false;
  grid::StatusCounts status_counts{};  // computed points per status (kept files)
  std::uint64_t groups = 0;            // keep = best
  std::uint64_t groups_without_feasible = 0;
};

struct StoredInfo {
  int schema_version = 0;
  std::string spec_hash;
  std::uint64_t points = 0;  // grid points
  std::uint64_t rows = 0;    // rows in /points: points, or the kept rows
  int levels = 1;
  std::uint32_t chunk_rows = 0;
  grid::KeepRule keep;
  FileProgress progress;
  bool complete = false;
  std::uint64_t points_done = 0;
  std::string llmsweep_version;
  std::string git_hash;
  std::string created;
  std::vector<std::string> hardware_stems;
  std::vector<std::string> hardware_names;
  std::vector<double> utilization_caps;
  std::vector<std::string> axis_names;
  std::vector<std::int64_t> axis_sizes;
  std::vector<std::vector<std::string>> axis_labels;
};

inline constexpr const char* kPointsGroup = "/points";
// The deflate level of every /points column (after the shuffle filter).
inline constexpr int kDeflateLevel = 1;

// Rows per chunk for a grid: at least 64 chunks where the grid allows, between 256 and 16384
// (the whole grid when it is smaller).
std::uint32_t chunk_rows_for(std::uint64_t points);

// The layout every rank needs to encode results for this file.
SinkLayout layout_of(const FileMeta& meta);

// The columns of /points for a file: the schema's, plus grid_index when rows are kept.
std::vector<grid::Column> file_columns(int levels, const std::vector<std::string>& hardware_labels,
                                       const grid::KeepRule& keep);

// Creates `path` (keep = all) with every row pending. The path must not exist; with atomic
// (the default), through a temporary file renamed into place, so a failure leaves nothing.
void create_results_file(const std::string& path, const FileMeta& meta, bool atomic = true);

// Hands rows over in batches, in ascending grid index.
using RowSink = std::function<void(std::span<const grid::Row>)>;
using RowSource = std::function<void(const RowSink&)>;

// Writes a kept-rows file (keep = feasible or best) at `path`, atomically replacing any file
// there: `rows` rows, which `source` hands over in ascending grid index.
void write_kept_file(const std::string& path, const FileMeta& meta, std::uint64_t rows,
                     const RowSource& source, const FileProgress& progress);

// Reads the root and /points attributes; a ResultFileError for a file that is not an llmsweep
// result, or comes from a newer schema.
StoredInfo read_info(const std::string& path);

// An open keep = all file that takes whole encoded chunks (HDF5 direct chunk writes): rank 0's
// working file, and the snapshots copied from it. One thread uses it.
class ChunkFile {
 public:
  explicit ChunkFile(const std::string& path);
  ~ChunkFile();
  ChunkFile(const ChunkFile&) = delete;
  ChunkFile& operator=(const ChunkFile&) = delete;

  void write(const EncodedChunk& chunk);
  void set_progress(const FileProgress& progress);
  // Flushes every buffer and the file's metadata: the bytes on disk form a valid file.
  void flush();
  // Flushes and closes. A file destroyed without close() is closed as HDF5 can; after a failure
  // the journal rebuilds the working file on resume.
  void close();
  const std::string& path() const;

 private:
  struct Impl;
  Impl* impl_;
};

// Reads columns of a finished or interrupted file, of any schema this build reads.
class ResultsReader {
 public:
  explicit ResultsReader(const std::string& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  const StoredInfo& info() const;
  const std::vector<grid::Column>& columns() const;
  // A whole column (info().rows values).
  std::vector<double> real(const std::string& column) const;
  std::vector<std::int64_t> integer(const std::string& column) const;
  // Values [first, first + count) of a column.
  std::vector<std::int64_t> integer(const std::string& column, std::uint64_t first,
                                    std::uint64_t count) const;
  // Every row (index = grid index); for summaries of moderate files.
  std::vector<grid::Row> rows() const;

 private:
  struct Impl;
  Impl* impl_;
};

// Copies a file's bytes to a new file `to` (in-kernel where the system allows).
void copy_file_bytes(const std::string& from, const std::string& to);

}  // namespace llmsweep::io
