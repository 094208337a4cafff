// The one description of the row (grid/row_columns.hpp) and the schema built from it: the
// static checks in the header tie members and types to it; these check what columns() makes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "costmodel/status.hpp"
#include "grid/schema.hpp"

namespace llmsweep::grid {
namespace {

std::size_t bytes_of(ColumnType t) {
  switch (t) {
    case ColumnType::u8:
      return 1;
    case ColumnType::u16:
      return 2;
    case ColumnType::i64:
    case ColumnType::f64:
      return 8;
  }
  return 0;
}

const Column& named(const std::vector<Column>& cols, const std::string& name) {
  const auto it = std::find_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == name; });
  if (it == cols.end()) throw std::out_of_range(name);
  return *it;
}

TEST(RowColumns, EveryColumnHasBytesOfItsOwnInTheRow) {
  for (int levels = 1; levels <= costmodel::kMaxLevels; ++levels) {
    std::vector<Column> cols = columns(levels, {"a"});
    cols.push_back(grid_index_column());
    std::sort(cols.begin(), cols.end(), [](const Column& a, const Column& b) { return a.offset < b.offset; });
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const std::size_t end = cols[i].offset + bytes_of(cols[i].type);
      EXPECT_LE(end, sizeof(Row)) << cols[i].name;
      if (i + 1 < cols.size()) {
        EXPECT_LE(end, cols[i + 1].offset) << cols[i].name << " overlaps";
      }
    }
  }
}

// Written through the member, read through the column (and back): scalars of each type and
// both degree arrays.
TEST(RowColumns, ColumnsReadTheirMembers) {
  const std::vector<Column> cols = columns(costmodel::kMaxLevels, {});
  Row r;
  r.hardware = 3;
  r.status = 7;
  r.d_model = 53248;
  r.gpus = 8.5e6;
  r.first_batch_seqs = 12;
  r.total[static_cast<std::size_t>(costmodel::Kind::pp)] = 16;
  r.level[static_cast<std::size_t>(costmodel::Kind::ep)][2] = 4;
  EXPECT_EQ(get_integer(r, named(cols, "hardware")), 3);
  EXPECT_EQ(get_integer(r, named(cols, "status")), 7);
  EXPECT_EQ(get_integer(r, named(cols, "d_model")), 53248);
  EXPECT_EQ(get_real(r, named(cols, "gpus")), 8.5e6);
  EXPECT_EQ(get_integer(r, named(cols, "first_batch_seqs")), 12);
  EXPECT_EQ(get_integer(r, named(cols, "pp")), 16);
  EXPECT_EQ(get_integer(r, named(cols, "ep_level2")), 4);
  set_integer(r, named(cols, "tp_ff_level5"), 9);
  EXPECT_EQ(r.level[static_cast<std::size_t>(costmodel::Kind::tp_ff)][5], 9);
  set_integer(r, grid_index_column(), 41);
  EXPECT_EQ(r.index, 41u);
  // Every scalar entry of the table becomes the column of its name, at its member.
  for (const ColumnSpec& s : kRowColumns) {
    if (s.shape != ColumnShape::one) continue;
    const Column& c = named(cols, std::string(s.member));
    EXPECT_EQ(c.offset, s.offset) << c.name;
    EXPECT_EQ(c.type, s.type) << c.name;
    EXPECT_EQ(c.input, s.role == ColumnRole::input) << c.name;
  }
}

TEST(RowColumns, NamesAreUniqueAndInFileOrder) {
  for (int levels = 1; levels <= costmodel::kMaxLevels; ++levels) {
    const std::vector<Column> cols = columns(levels, {});
    std::set<std::string> names;
    for (const Column& c : cols) EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_NE(names.count("grid_index"), 1u);
    // 82 columns besides the per-level degrees, as files are written today.
    EXPECT_EQ(cols.size(), 82u + 5u * static_cast<std::size_t>(levels));
  }
  const std::vector<Column> cols = columns(2, {});
  EXPECT_EQ(cols.front().name, "scenario");
  EXPECT_EQ(cols.back().name, "first_batch_seqs");
  const auto at = [&](const std::string& name) {
    return std::find_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == name; }) -
           cols.begin();
  };
  EXPECT_EQ(at("dp"), at("step_s") + 1);
  EXPECT_EQ(at("ep"), at("dp") + 4);
  EXPECT_EQ(at("dp_level0"), at("zero_bubble") + 1);
  EXPECT_EQ(at("dp_level1"), at("dp_level0") + 1);
  EXPECT_EQ(at("tp_model_level0"), at("dp_level1") + 1);
  EXPECT_EQ(at("matmul_s"), at("ep_level1") + 1);
  EXPECT_EQ(at("status"), at("ramp_plans") + 1);
}

// The group flag names the columns that the list in is_run_term_column named before it.
TEST(RowColumns, RunTermGroupIsTheExtendedModelsRunLevelTerms) {
  const std::set<std::string> expected = {"failure_recovery",
                                          "gpu_mtbf_hours",
                                          "checkpoint_write_GBps",
                                          "checkpoint_read_GBps",
                                          "restart_time_s",
                                          "sites",
                                          "site_bandwidth_GBps",
                                          "site_latency_ms",
                                          "site_crossing",
                                          "ramp_index",
                                          "ramp_phases",
                                          "ramp_plans",
                                          "wall_s",
                                          "failure_overhead_s",
                                          "checkpoint_s",
                                          "lost_work_s",
                                          "restart_total_s",
                                          "checkpoint_interval_s",
                                          "expected_failures",
                                          "cluster_mtbf_s",
                                          "failure_cap_gpus",
                                          "wall_utilization",
                                          "warmup_s",
                                          "first_batch_seqs"};
  std::set<std::string> group;
  for (const Column& c : columns(3, {}))
    if (is_run_term_column(c.name)) group.insert(c.name);
  EXPECT_EQ(group, expected);
  EXPECT_FALSE(is_run_term_column("grid_index"));
  EXPECT_FALSE(is_run_term_column("no_such_column"));
}

TEST(RowColumns, CategoricalColumnsCarryTheirLabels) {
  const std::vector<Column> cols = columns(2, {"h100-sxm", "b200"});
  int categorical = 0;
  for (const Column& c : cols) {
    EXPECT_EQ(c.units == "code", !c.labels.empty()) << c.name;
    categorical += c.units == "code" ? 1 : 0;
  }
  EXPECT_EQ(categorical, 11);
  EXPECT_EQ(named(cols, "hardware").labels, (std::vector<std::string>{"h100-sxm", "b200"}));
  EXPECT_EQ(named(cols, "status").labels.size(), static_cast<std::size_t>(costmodel::kStatusCount));
  EXPECT_EQ(named(cols, "batch_rule").labels,
            (std::vector<std::string>{"default", "deepseek", "none", "power", "tokens", "step-law"}));
  EXPECT_EQ(named(cols, "site_crossing").labels, (std::vector<std::string>{"dp", "dp-pp"}));
}

TEST(RowColumns, GridIndexColumnIsTheRowsIndex) {
  const Column c = grid_index_column();
  EXPECT_EQ(c.name, "grid_index");
  EXPECT_EQ(c.offset, offsetof(Row, index));
  EXPECT_EQ(c.type, ColumnType::i64);
  EXPECT_TRUE(c.input);
  EXPECT_FALSE(c.description.empty());
}

TEST(RowColumns, ColumnsNamedKeepsTheOrderAsked) {
  const std::vector<Column> all = columns(1, {});
  const std::vector<Column> some = columns_named(all, {"years", "d_model", "dp_level0"});
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].name, "years");
  EXPECT_EQ(some[1].name, "d_model");
  EXPECT_EQ(some[2].name, "dp_level0");
  EXPECT_THROW(columns_named(all, {"dp_level1"}), std::invalid_argument);
}

// docs/results-format.md's column table is read by people: every column of the schema is in it
// with the schema's type, units and description (the table may add to the description, e.g. the
// labels, which must then be the schema's), and it names no column the schema lacks.
TEST(RowColumns, TheResultsFormatDocumentsEveryColumnAsTheSchemaDescribesIt) {
  std::ifstream in(std::string(LLMSWEEP_SOURCE_DIR) + "/docs/results-format.md");
  ASSERT_TRUE(in) << "docs/results-format.md";
  const std::regex row(R"(^\| `([A-Za-z0-9_]+)` \| (uint8|uint16|int64|float64) \| ([^|]+) \| (.*) \|$)");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::map<std::string, std::vector<std::string>> fields;
  for (const std::string& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, row)) fields[m[1]] = {m[2], m[3], m[4]};
  }
  const auto type_name = [](ColumnType t) {
    switch (t) {
      case ColumnType::u8:
        return "uint8";
      case ColumnType::u16:
        return "uint16";
      case ColumnType::i64:
        return "int64";
      case ColumnType::f64:
        return "float64";
    }
    return "?";
  };
  std::vector<Column> schema = columns(3, {});
  schema.insert(schema.begin(), grid_index_column());
  std::set<std::string> names;
  for (const Column& c : schema) {
    names.insert(c.name);
    const auto it = fields.find(c.name);
    if (it == fields.end()) {
      ADD_FAILURE() << c.name << " is not in docs/results-format.md";
      continue;
    }
    const std::vector<std::string>& f = it->second;
    EXPECT_EQ(f[0], type_name(c.type)) << c.name;
    EXPECT_EQ(f[1], c.units) << c.name;
    EXPECT_EQ(f[2].rfind(c.description, 0), 0u)
        << c.name << ": the table says\n  " << f[2] << "\nthe schema says\n  " << c.description;
    if (!c.labels.empty() && c.name != "hardware") {
      const std::size_t at = f[2].find("Labels: ");
      EXPECT_NE(at, std::string::npos) << c.name << ": the table lists no labels";
      for (std::size_t i = 0; i < c.labels.size(); ++i) {
        const std::string label = std::to_string(i) + " = " + c.labels[i];
        EXPECT_NE(f[2].find(label, at), std::string::npos) << c.name << ": the table lacks " << label;
      }
    }
  }
  for (const auto& [name, f] : fields)
    EXPECT_TRUE(names.count(name)) << name << " is documented but not a column";
}

}  // namespace
}  // namespace llmsweep::grid
