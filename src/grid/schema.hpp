// The columns of /points: name, type, units, description, and where each lives in a Row, as
// built from their one description (row_columns.hpp). The HDF5 sink, the reader and the journal
// all follow this table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "grid/row.hpp"
#include "grid/row_columns.hpp"

namespace llmsweep::grid {

// Bumped whenever a column is added, removed or changes meaning.
inline constexpr int kSchemaVersion = 1;  // (unreleased: columns may still change within 1)

struct Column {
  std::string name;
  ColumnType type;
  std::size_t offset;  // into Row
  std::string units;
  std::string description;
  std::vector<std::string> labels;  // categorical columns: the meaning of each code
  bool input = false;               // an axis value (or the model they give) rather than a result
};

// Columns for a sweep whose profiles have at most `levels` network levels: the per-level
// degrees get one column per level (dp_level0 = inside a node).
std::vector<Column> columns(int levels, const std::vector<std::string>& hardware_labels);

// The first column of files of kept rows (kGridIndexColumn).
Column grid_index_column();

// The columns of the extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7), which
// files written before them lack (their rows had none of the terms): ColumnGroup::run_terms.
bool is_run_term_column(const std::string& name);

// The columns of `from` named `names`, in that order; std::invalid_argument for a name it lacks.
std::vector<Column> columns_named(const std::vector<Column>& from, const std::vector<std::string>& names);

// Reads/writes a column's value in a row as double or integer, whatever its type.
std::int64_t get_integer(const Row& row, const Column& c);
double get_real(const Row& row, const Column& c);
void set_integer(Row& row, const Column& c, std::int64_t v);
void set_real(Row& row, const Column& c, double v);

}  // namespace llmsweep::grid
