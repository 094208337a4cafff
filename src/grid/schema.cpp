#include "grid/schema.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "costmodel/options.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/status.hpp"
#include "grid/axes.hpp"
#include "search/cluster.hpp"

namespace llmsweep::grid {

static_assert(std::is_trivially_copyable_v<Row>, "rows travel and are journaled as bytes");

namespace {

std::vector<std::string> status_labels() {
  std::vector<std::string> out;
  for (int s = 0; s < costmodel::kStatusCount; ++s)
    out.emplace_back(costmodel::status_name(static_cast<costmodel::Status>(s)));
  return out;
}

std::vector<std::string> labels_of(ColumnLabels source, const std::vector<std::string>& hardware_labels) {
  std::vector<std::string> out;
  switch (source) {
    case ColumnLabels::none:
      break;
    case ColumnLabels::hardware:
      out = hardware_labels;
      break;
    case ColumnLabels::experts_rule:
      for (auto r : {ExpertsRule::dense, ExpertsRule::width_scaled, ExpertsRule::count})
        out.emplace_back(experts_rule_name(r));
      break;
    case ColumnLabels::batch_rule:
      out = {"default", "deepseek", "none", "power", "tokens", "step-law"};
      break;
    case ColumnLabels::model:
      for (costmodel::ModelKind k : costmodel::kAllModelKinds)
        out.emplace_back(costmodel::model_kind_name(k));
      break;
    case ColumnLabels::zb_latency:
      for (costmodel::ZbLatency z : costmodel::kAllZbLatencies)
        out.emplace_back(costmodel::zb_latency_name(z));
      break;
    case ColumnLabels::search:
      for (search::SearchVariant v : search::kAllSearchVariants)
        out.emplace_back(search::search_variant_name(v));
      break;
    case ColumnLabels::cluster_sizes:
      for (auto k : {search::ClusterSizes::powers_of_two, search::ClusterSizes::fill_levels,
                     search::ClusterSizes::pow2_domains, search::ClusterSizes::domains})
        out.emplace_back(search::cluster_sizes_name(k));
      break;
    case ColumnLabels::failure_recovery:
      out = {"none", "storage", "peer"};
      break;
    case ColumnLabels::site_crossing:
      out = {"dp", "dp-pp"};
      break;
    case ColumnLabels::ramp_plans:
      out = {"per-phase", "one-plan"};
      break;
    case ColumnLabels::status:
      out = status_labels();
      break;
  }
  return out;
}

Column column_of(const ColumnSpec& s, std::string name, std::string description, std::size_t offset,
                 const std::vector<std::string>& hardware_labels) {
  return Column{std::move(name),
                s.type,
                offset,
                std::string(s.units),
                std::move(description),
                labels_of(s.labels, hardware_labels),
                s.role == ColumnRole::input};
}

Column column_of(const ColumnSpec& s, const std::vector<std::string>& hardware_labels) {
  return column_of(s, std::string(s.member), std::string(s.description), s.offset, hardware_labels);
}

std::string kind_of(int k) {
  return costmodel::kind_name(static_cast<costmodel::Kind>(k));
}

// One column per kind, then (per_kind_level) per kind and level, kinds outermost.
void append_degrees(std::vector<Column>& c, const ColumnSpec& s, int levels) {
  constexpr auto kInt = sizeof(std::int64_t);
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto ku = static_cast<std::size_t>(k);
    if (s.shape == ColumnShape::per_kind) {
      c.push_back(
          column_of(s, kind_of(k), std::string(kKindDegreeDescriptions[ku]), s.offset + ku * kInt, {}));
      continue;
    }
    for (int l = 0; l < levels; ++l) {
      const std::size_t at = ku * costmodel::kMaxLevels + static_cast<std::size_t>(l);
      c.push_back(column_of(s, kind_of(k) + "_level" + std::to_string(l),
                            kind_of(k) + " degree at network level " + std::to_string(l) +
                                (l == 0 ? " (inside a node)" : "") +
                                "; 1 where the hardware has fewer levels",
                            s.offset + at * kInt, {}));
    }
  }
}

}  // namespace

bool is_run_term_column(const std::string& name) {
  for (const ColumnSpec& s : kRowColumns)
    if (s.group == ColumnGroup::run_terms && s.shape == ColumnShape::one && s.member == name) return true;
  return false;
}

std::vector<Column> columns(int levels, const std::vector<std::string>& hardware_labels) {
  std::vector<Column> c;
  for (const ColumnSpec& s : kRowColumns) {
    if (s.shape == ColumnShape::one)
      c.push_back(column_of(s, hardware_labels));
    else
      append_degrees(c, s, levels);
  }
  return c;
}

Column grid_index_column() {
  return column_of(kGridIndexColumn, {});
}

std::vector<Column> columns_named(const std::vector<Column>& from, const std::vector<std::string>& names) {
  std::vector<Column> out;
  for (const std::string& name : names) {
    const auto it =
        std::find_if(from.begin(), from.end(), [&name](const Column& c) { return c.name == name; });
    if (it == from.end()) throw std::invalid_argument("no column '" + name + "'");
    out.push_back(*it);
  }
  return out;
}

namespace {

template <class T>
T load(const Row& row, std::size_t offset) {
  T v;
  std::memcpy(&v, reinterpret_cast<const unsigned char*>(&row) + offset, sizeof v);
  return v;
}

template <class T>
void store(Row& row, std::size_t offset, T v) {
  std::memcpy(reinterpret_cast<unsigned char*>(&row) + offset, &v, sizeof v);
}

}  // namespace

std::int64_t get_integer(const Row& row, const Column& c) {
  switch (c.type) {
    case ColumnType::u8:
      return load<std::uint8_t>(row, c.offset);
    case ColumnType::u16:
      return load<std::uint16_t>(row, c.offset);
    case ColumnType::i64:
      return load<std::int64_t>(row, c.offset);
    case ColumnType::f64:
      return static_cast<std::int64_t>(load<double>(row, c.offset));
  }
  return 0;
}

double get_real(const Row& row, const Column& c) {
  return c.type == ColumnType::f64 ? load<double>(row, c.offset) : static_cast<double>(get_integer(row, c));
}

void set_integer(Row& row, const Column& c, std::int64_t v) {
  switch (c.type) {
    case ColumnType::u8:
      store(row, c.offset, static_cast<std::uint8_t>(v));
      break;
    case ColumnType::u16:
      store(row, c.offset, static_cast<std::uint16_t>(v));
      break;
    case ColumnType::i64:
      store(row, c.offset, v);
      break;
    case ColumnType::f64:
      store(row, c.offset, static_cast<double>(v));
      break;
  }
}

void set_real(Row& row, const Column& c, double v) {
  if (c.type == ColumnType::f64)
    store(row, c.offset, v);
  else
    set_integer(row, c, static_cast<std::int64_t>(v));
}

}  // namespace llmsweep::grid
