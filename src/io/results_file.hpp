// The HDF5 results file: /points holds one row per grid point as equal-length 1-D columns
// (see grid/schema.hpp), chunked and compressed, each with units and a description; the root
// holds what makes the file describe itself (schema, versions, spec and profile texts).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "grid/row.hpp"
#include "grid/schema.hpp"

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
  int levels = 1;  // per-level columns
  std::vector<std::string> hardware_stems;
  std::vector<std::string> hardware_names;
  std::vector<double> utilization_caps;
  std::vector<std::string> profile_texts;
  std::vector<std::string> axis_names;
  std::vector<std::int64_t> axis_sizes;
  std::vector<std::vector<std::string>> axis_labels;
  std::vector<std::string> varied_axes;
};

struct StoredInfo {
  int schema_version = 0;
  std::string spec_hash;
  std::uint64_t points = 0;
  int levels = 1;
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
};

inline constexpr const char* kPointsGroup = "/points";

// Creates `path` with every row pending, through a temporary file renamed into place, so a
// failure leaves nothing half-written. The path must not exist.
void create_results_file(const std::string& path, const FileMeta& meta);

// Reads the root and /points attributes; a ResultFileError for a file that is not an llmsweep
// result, or comes from a newer schema.
StoredInfo read_info(const std::string& path);

// Writes rows into an existing file (rank 0 only).
class ResultsWriter {
 public:
  explicit ResultsWriter(const std::string& path);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  void write(std::span<const grid::Row> rows);
  void set_progress(std::uint64_t points_done, bool complete);
  // Flushes and closes; a writer that is destroyed without close() also closes.
  void close();

 private:
  struct Impl;
  Impl* impl_;
};

// Reads columns of a finished or interrupted file.
class ResultsReader {
 public:
  explicit ResultsReader(const std::string& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  const StoredInfo& info() const;
  const std::vector<grid::Column>& columns() const;
  std::vector<double> real(const std::string& column) const;
  std::vector<std::int64_t> integer(const std::string& column) const;
  // Every column into rows (index = row number); for summaries of moderate files.
  std::vector<grid::Row> rows() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace llmsweep::io
