#include "grid/keep.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace llmsweep::grid {

std::string_view keep_name(Keep k) {
  switch (k) {
    case Keep::all:
      return "all";
    case Keep::feasible:
      return "feasible";
    case Keep::best:
      return "best";
  }
  return "all";
}

std::optional<Keep> keep_from_name(std::string_view name) {
  for (Keep k : {Keep::all, Keep::feasible, Keep::best})
    if (keep_name(k) == name) return k;
  return std::nullopt;
}

std::string describe(const KeepRule& rule) {
  std::string s(keep_name(rule.keep));
  if (rule.keep != Keep::best) return s;
  s += " " + std::to_string(rule.count) + " per ";
  for (std::size_t i = 0; i < rule.by.size(); ++i) s += (i ? ", " : "") + rule.by[i];
  return s;
}

std::vector<std::string> groupable_columns(int levels) {
  std::vector<std::string> out;
  for (const Column& c : columns(levels, {}))
    if (c.input) out.push_back(c.name);
  return out;
}

bool runs_before(const Row& a, const Row& b) {
  if (a.run_s != b.run_s) return a.run_s < b.run_s;
  return a.index < b.index;
}

Reducer::Reducer(const KeepRule& rule, const std::vector<Column>& columns) : rule_(rule) {
  for (const std::string& name : rule_.by) {
    const auto it = std::find_if(columns.begin(), columns.end(),
                                 [&name](const Column& c) { return c.name == name && c.input; });
    if (it == columns.end()) throw std::invalid_argument("'" + name + "' is not an input column");
    by_.push_back(*it);
  }
  if (rule_.keep == Keep::best && rule_.count == 0) throw std::invalid_argument("count must be >= 1");
}

std::string Reducer::key_of(const Row& row) const {
  std::string key;
  key.reserve(by_.size() * 8);
  for (const Column& c : by_) {
    // Every column's bytes, as stored: rows equal on the columns have equal keys.
    const std::size_t n = c.type == ColumnType::u8 ? 1 : c.type == ColumnType::u16 ? 2 : 8;
    key.append(reinterpret_cast<const char*>(&row) + c.offset, n);
  }
  return key;
}

void Reducer::keep_best(const std::string& key, const Row& row) {
  std::vector<Row>& kept = groups_[key];
  if (row.status != static_cast<std::uint8_t>(costmodel::Status::ok)) return;
  if (kept.size() == rule_.count && !runs_before(row, kept.back())) return;
  kept.insert(std::upper_bound(kept.begin(), kept.end(), row, runs_before), row);
  if (kept.size() > rule_.count) kept.pop_back();
}

void Reducer::add(const Row& row) {
  if (row.status < counts_.size()) ++counts_[row.status];
  const bool ok = row.status == static_cast<std::uint8_t>(costmodel::Status::ok);
  switch (rule_.keep) {
    case Keep::all:
      feasible_.push_back(row);
      break;
    case Keep::feasible:
      if (ok) feasible_.push_back(row);
      break;
    case Keep::best:
      keep_best(key_of(row), row);
      break;
  }
}

void Reducer::add(const KeptPiece& piece) {
  for (std::size_t s = 0; s < counts_.size(); ++s) counts_[s] += piece.counts[s];
  if (rule_.keep == Keep::best) {
    for (const std::string& key : piece.empty_groups) groups_[key];
    for (const Row& r : piece.rows) keep_best(key_of(r), r);
  } else {
    feasible_.insert(feasible_.end(), piece.rows.begin(), piece.rows.end());
  }
}

KeptPiece Reducer::take(IndexRange range) {
  KeptPiece p;
  p.range = range;
  p.counts = counts_;
  if (rule_.keep == Keep::best) {
    for (auto& [key, rows] : groups_) {
      if (rows.empty()) p.empty_groups.push_back(key);
      p.rows.insert(p.rows.end(), rows.begin(), rows.end());
    }
    std::sort(p.empty_groups.begin(), p.empty_groups.end());
    groups_.clear();
  } else {
    p.rows.swap(feasible_);
  }
  std::sort(p.rows.begin(), p.rows.end(), [](const Row& a, const Row& b) { return a.index < b.index; });
  counts_ = {};
  return p;
}

std::vector<Row> Reducer::rows() const {
  std::vector<Row> out;
  if (rule_.keep == Keep::best) {
    for (const auto& [key, rows] : groups_) out.insert(out.end(), rows.begin(), rows.end());
  } else {
    out = feasible_;
  }
  std::sort(out.begin(), out.end(), [](const Row& a, const Row& b) { return a.index < b.index; });
  return out;
}

std::uint64_t Reducer::groups_without_feasible() const {
  std::uint64_t n = 0;
  for (const auto& [key, rows] : groups_) n += rows.empty() ? 1 : 0;
  return n;
}

}  // namespace llmsweep::grid
