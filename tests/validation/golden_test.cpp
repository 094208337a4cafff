// Every vector of the shared golden file (outputs of the original implementation) must match
// to a relative 1e-9, and the paper's headline numbers must come out of the frontier search.
#include <gtest/gtest.h>

#include "config/hardware_config.hpp"
#include "config/vectors.hpp"
#include "search/frontier.hpp"

namespace llmsweep {
namespace {

TEST(Golden, EveryReferenceVectorMatches) {
  const config::VectorReport r = config::verify_vectors_file(LLMSWEEP_GOLDEN_FILE);
  for (const auto& m : r.mismatches) ADD_FAILURE() << m;
  EXPECT_EQ(r.failed, 0);
  // 240 matmul + 300 training + 5 optimal vectors in shared/golden/reference-vectors.json.
  EXPECT_EQ(r.passed, 545);
}

// MODEL.md section 9, "Public reference numbers" (H100 SXM, dense, default batch).
TEST(Golden, PaperHeadlineH100Dense) {
  const auto mc =
      costmodel::make_machine(config::resolve_profile("h100-sxm", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware);
  const search::Frontier f = search::frontier(mc, search::FrontierSpec{});
  ASSERT_TRUE(f.thresholds.linear_scaling_ends_flop);
  ASSERT_TRUE(f.thresholds.largest_feasible_flop);
  ASSERT_TRUE(f.thresholds.first_infeasible_d_model);
  EXPECT_NEAR(*f.thresholds.linear_scaling_ends_flop / 2.048e28, 1.0, 5e-4);
  EXPECT_NEAR(*f.thresholds.largest_feasible_flop / 2.707e31, 1.0, 5e-4);
  EXPECT_EQ(*f.thresholds.first_infeasible_d_model, 212992);
  const search::FrontierRow* ends = nullptr;
  for (const auto& row : f.rows)
    if (row.compute_flop == *f.thresholds.linear_scaling_ends_flop) ends = &row;
  ASSERT_NE(ends, nullptr);
  EXPECT_EQ(ends->model.d_model, 53248);
  EXPECT_EQ(ends->result.gpus, 8388608.0);  // "about 8.4 million GPUs"
  EXPECT_NEAR(ends->result.evaluation.utilization, 0.553, 5e-4);
  EXPECT_EQ(f.rows.back().model.d_model, 196608);
}

}  // namespace
}  // namespace llmsweep
