// A sweep over the paper's widths, reduced to frontiers by the same rules as a results file
// (io::scenarios), must give exactly the frontier command's rows and thresholds (MODEL.md
// section 9) for every scenario: the grid, the point evaluator and the summary add nothing of
// their own to the model.
#include <gtest/gtest.h>

#include "config/spec.hpp"
#include "grid/evaluate_point.hpp"
#include "io/summary.hpp"
#include "search/frontier.hpp"

namespace llmsweep {
namespace {

constexpr const char* kSpec = R"(
[hardware]
profiles = ["h100-sxm", "a100-sxm", "h100-sxm-low-latency"]
[model]
widths = { from = 12288, to = 1572864 }
experts = ["dense", "width-scaled"]
[batch]
policy = ["default", "deepseek", "none"]
)";

TEST(SweepFrontier, EveryScenarioEqualsTheFrontierCommand) {
  const config::SweepSpec spec = config::parse_spec(kSpec, "validation.toml", LLMSWEEP_PROFILE_DIR_FOR_TESTS);
  const grid::Grid g(spec.axes);
  ASSERT_EQ(g.size(), 3u * 55 * 2 * 3);
  grid::PointEvaluator evaluator(g);
  std::vector<grid::Row> rows;
  for (std::uint64_t i = 0; i < g.size(); ++i) rows.push_back(evaluator.evaluate(i));
  std::vector<std::string> stems;
  std::vector<double> caps;
  for (const auto& p : spec.profiles) {
    stems.push_back(p.stem);
    caps.push_back(p.hardware.utilization_cap);
  }
  const std::vector<io::Scenario> scenarios = io::scenarios(rows, stems, caps);
  ASSERT_EQ(scenarios.size(), 3u * 2 * 3);
  for (const io::Scenario& s : scenarios) {
    const grid::Row& first = s.rows.front();
    search::FrontierSpec fs;
    fs.policy.experts =
        first.experts_rule == 0 ? search::ExpertsPolicy::dense : search::ExpertsPolicy::width_scaled;
    fs.policy.batch.policy = static_cast<search::BatchPolicy>(first.batch_rule);
    const search::Frontier f = search::frontier(spec.axes.hardware[first.hardware].machine, fs);
    ASSERT_EQ(s.rows.size(), f.rows.size()) << s.label;
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      EXPECT_EQ(s.rows[i].d_model, f.rows[i].model.d_model) << s.label;
      EXPECT_EQ(s.rows[i].gpus, f.rows[i].result.gpus) << s.label << " d=" << s.rows[i].d_model;
      EXPECT_EQ(s.rows[i].utilization, f.rows[i].result.evaluation.utilization)
          << s.label << " d=" << s.rows[i].d_model;
      // Every plan field: each degree at each level, microbatches, interleave, zero-bubble.
      const costmodel::Plan& plan = f.rows[i].result.plan;
      for (int k = 0; k < costmodel::kKinds; ++k) {
        const auto kind = static_cast<costmodel::Kind>(k);
        EXPECT_EQ(s.rows[i].total[static_cast<std::size_t>(k)], plan.total(kind)) << s.label;
        for (int l = 0; l < plan.levels; ++l)
          EXPECT_EQ(s.rows[i].level[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)],
                    plan.at(kind, l))
              << s.label << " d=" << s.rows[i].d_model << " " << costmodel::kind_name(kind) << " level " << l;
      }
      EXPECT_EQ(s.rows[i].microbatches, plan.microbatches) << s.label;
      EXPECT_EQ(s.rows[i].interleave, plan.interleave) << s.label;
      EXPECT_EQ(s.rows[i].zero_bubble, plan.zero_bubble ? 1 : 0) << s.label;
    }
    EXPECT_EQ(s.thresholds.linear_scaling_ends_flop, f.thresholds.linear_scaling_ends_flop) << s.label;
    EXPECT_EQ(s.thresholds.largest_feasible_flop, f.thresholds.largest_feasible_flop) << s.label;
    EXPECT_EQ(s.thresholds.first_infeasible_d_model, f.thresholds.first_infeasible_d_model) << s.label;
  }
}

}  // namespace
}  // namespace llmsweep
