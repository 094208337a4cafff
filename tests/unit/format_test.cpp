// The CLI's JSON of a results-file row (summarize --json): keys are the schema's column names.
#include "cli/format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grid/schema.hpp"

namespace llmsweep::cli {
namespace {

TEST(RowJson, KeysAreColumnNamesAndValuesKeepTheirType) {
  const std::vector<grid::Column> all = grid::columns(2, {});
  grid::Row r;
  r.d_model = 53248;
  r.gpus = 8.0;
  r.status = 1;
  r.total[0] = 64;
  r.level[0][1] = 8;
  const nlohmann::json j = row_json(r, all);
  ASSERT_EQ(j.size(), all.size());
  for (const grid::Column& c : all) {
    ASSERT_TRUE(j.contains(c.name)) << c.name;
    if (c.type == grid::ColumnType::f64)
      EXPECT_TRUE(j[c.name].is_number_float()) << c.name;
    else
      EXPECT_TRUE(j[c.name].is_number_integer()) << c.name;
  }
  EXPECT_EQ(j["d_model"].get<std::int64_t>(), 53248);
  EXPECT_EQ(j["gpus"].get<double>(), 8.0);
  EXPECT_EQ(j["status"].get<std::int64_t>(), 1);
  EXPECT_EQ(j["dp"].get<std::int64_t>(), 64);
  EXPECT_EQ(j["dp_level1"].get<std::int64_t>(), 8);
  EXPECT_TRUE(std::isnan(j["utilization"].get<double>()));  // a Row's default
  // NaN prints as null, as summarize --json has always written an unset value.
  const nlohmann::json some = row_json(r, grid::columns_named(all, {"d_model", "utilization"}));
  EXPECT_EQ(some.dump(), R"({"d_model":53248,"utilization":null})");
}

}  // namespace
}  // namespace llmsweep::cli
