// Which rows a sweep keeps (the spec's [output] table): every point, only the feasible ones,
// or for each group of points equal on some input columns the few feasible points of least run
// time. Workers reduce their own pieces of the grid; rank 0 merges the pieces. The reduction
// is exact: the kept rows are those a user gets by writing everything and reducing afterwards.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "costmodel/status.hpp"
#include "grid/grid.hpp"
#include "grid/row.hpp"
#include "grid/schema.hpp"

namespace llmsweep::grid {

enum class Keep : std::uint8_t { all = 0, feasible = 1, best = 2 };

std::string_view keep_name(Keep k);
std::optional<Keep> keep_from_name(std::string_view name);

struct KeepRule {
  Keep keep = Keep::all;
  std::vector<std::string> by;  // input columns that define a group (best)
  std::uint32_t count = 1;      // feasible points kept per group (best)
  bool operator==(const KeepRule&) const = default;
};

// The rule as one line for people ("best 1 per hardware, d_model").
std::string describe(const KeepRule& rule);

// Computed points of each status code (pending points are the grid's rest).
using StatusCounts = std::array<std::uint64_t, costmodel::kStatusCount>;

// What a reduced piece of the grid leaves: the range it covers, how many of its points had each
// status, and its kept rows (ascending index). For `best`, the groups it saw with no feasible
// point are kept as their key alone, so that rank 0 can count groups that keep nothing.
struct KeptPiece {
  IndexRange range;
  StatusCounts counts{};
  std::vector<Row> rows;
  std::vector<std::string> empty_groups;  // best: keys of groups without a feasible point
};

// Groups rows by the rule's columns and keeps the `count` feasible rows of least run time per
// group (ties: the lower grid index); also keeps every feasible row for `feasible`.
class Reducer {
 public:
  Reducer(const KeepRule& rule, const std::vector<Column>& columns);

  void add(const Row& row);
  // Merges a piece another reducer left (rank 0 merging the workers' pieces).
  void add(const KeptPiece& piece);
  // The piece of everything added since the last take(); the reducer starts afresh.
  KeptPiece take(IndexRange range);

  const StatusCounts& counts() const { return counts_; }
  // Kept rows in ascending grid index (best: over every group merged so far).
  std::vector<Row> rows() const;
  std::uint64_t groups() const { return groups_.size(); }
  std::uint64_t groups_without_feasible() const;

 private:
  std::string key_of(const Row& row) const;
  void keep_best(const std::string& key, const Row& row);

  KeepRule rule_;
  std::vector<Column> by_;
  StatusCounts counts_{};
  std::vector<Row> feasible_;
  std::unordered_map<std::string, std::vector<Row>> groups_;  // best: rows sorted by (run_s, index)
};

// The input columns a rule may group by (every `input` column of the schema).
std::vector<std::string> groupable_columns(int levels);

// Orders kept rows as the rule does: least run time first, then the lower grid index.
bool runs_before(const Row& a, const Row& b);

}  // namespace llmsweep::grid
