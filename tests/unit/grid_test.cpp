// Unit tests of the grid: mixed-radix indexing, index ranges, the /points schema, and point
// evaluation against the search and cost model it stands on.
#include "grid/grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "config/hardware_config.hpp"
#include "costmodel/evaluate.hpp"
#include "grid/evaluate_point.hpp"
#include "grid/schema.hpp"
#include "search/best_plan.hpp"

namespace llmsweep::grid {
namespace {

HardwareValue hardware(const std::string& stem) {
  return {stem,
          costmodel::make_machine(config::resolve_profile(stem, LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware)};
}

Axes small_axes() {
  Axes a;
  a.hardware = {hardware("h100-sxm"), hardware("a100-sxm")};
  a.width = {{12288, 0}, {16384, 0}, {20480, 0}};
  a.experts = {{ExpertsRule::dense, 1}, {ExpertsRule::width_scaled, 1}};
  return a;
}

TEST(Grid, SizeIsTheProductAndTheLastAxisVariesFastest) {
  const Grid g(small_axes());
  EXPECT_EQ(g.size(), 2u * 3u * 2u);  // hardware x width x experts
  const Digits d1 = g.digits_at(1);
  EXPECT_EQ(d1[static_cast<std::size_t>(Axis::experts)], 1u);
  EXPECT_EQ(d1[static_cast<std::size_t>(Axis::width)], 0u);
  const Digits d2 = g.digits_at(2);
  EXPECT_EQ(d2[static_cast<std::size_t>(Axis::width)], 1u);
  EXPECT_EQ(d2[static_cast<std::size_t>(Axis::experts)], 0u);
  const Digits d6 = g.digits_at(6);
  EXPECT_EQ(d6[static_cast<std::size_t>(Axis::hardware)], 1u);
  for (std::uint64_t i = 0; i < g.size(); ++i) EXPECT_EQ(g.index_of(g.digits_at(i)), i);
}

TEST(Grid, ScenarioIgnoresOnlyTheWidth) {
  const Grid g(small_axes());
  std::set<std::uint64_t> scenarios;
  for (std::uint64_t i = 0; i < g.size(); ++i) scenarios.insert(g.scenario_of(g.digits_at(i)));
  EXPECT_EQ(scenarios.size(), 4u);                                          // hardware x experts
  EXPECT_EQ(g.scenario_of(g.digits_at(0)), g.scenario_of(g.digits_at(2)));  // widths 12288 and 16384, dense
  EXPECT_NE(g.scenario_of(g.digits_at(0)), g.scenario_of(g.digits_at(1)));
}

TEST(Grid, VariedAxesAndLabels) {
  const Grid g(small_axes());
  const std::vector<Axis> varied = g.varied_axes();
  ASSERT_EQ(varied.size(), 3u);
  EXPECT_EQ(varied[0], Axis::hardware);
  EXPECT_EQ(g.axis_labels(Axis::width), (std::vector<std::string>{"12288", "16384", "20480"}));
  EXPECT_EQ(g.axis_labels(Axis::experts), (std::vector<std::string>{"dense", "width-scaled"}));
  EXPECT_EQ(g.axis_labels(Axis::gpus), (std::vector<std::string>{"smallest"}));
}

TEST(RangeSet, MergesAndComplements) {
  RangeSet s;
  s.add({10, 20});
  s.add({30, 40});
  s.add({20, 25});  // adjacent: merges with the first
  EXPECT_EQ(s.ranges().size(), 2u);
  EXPECT_EQ(s.count(), 25u);
  s.add({22, 35});  // bridges both
  ASSERT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.ranges()[0], (IndexRange{10, 40}));
  EXPECT_EQ(s.count(), 30u);
  EXPECT_TRUE(s.contains(10));
  EXPECT_TRUE(s.contains(39));
  EXPECT_FALSE(s.contains(40));
  EXPECT_FALSE(s.contains(9));
  EXPECT_EQ(s.complement(50), (std::vector<IndexRange>{{0, 10}, {40, 50}}));
  s.add({0, 10});
  s.add({40, 50});
  EXPECT_TRUE(s.complement(50).empty());
  s.add({5, 5});  // empty ranges change nothing
  EXPECT_EQ(s.count(), 50u);
}

TEST(Schema, ColumnsAreUniqueAndAddressTheRow) {
  const std::vector<Column> cols = columns(3, {"a", "b"});
  std::set<std::string> names;
  for (const Column& c : cols) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_LT(c.offset, sizeof(Row)) << c.name;
    EXPECT_FALSE(c.units.empty()) << c.name;
    EXPECT_FALSE(c.description.empty()) << c.name;
  }
  for (const char* required :
       {"status",       "compute_flop", "gpus",     "utilization", "years",     "dp",        "tp_model",
        "tp_ff",        "pp",           "ep",       "dp_level0",   "ep_level2", "tp_comm_s", "dp_comm_s",
        "pp_ep_comm_s", "latency_s",    "scenario", "width_index", "hardware",  "d_model"})
    EXPECT_TRUE(names.count(required)) << required;
  EXPECT_FALSE(names.count("dp_level3"));  // three levels asked for
  // The cost model is a categorical input column labelled by model_kind_name.
  const auto model =
      std::find_if(cols.begin(), cols.end(), [](const Column& c) { return c.name == "model"; });
  ASSERT_NE(model, cols.end());
  EXPECT_TRUE(model->input);
  EXPECT_EQ(model->labels, (std::vector<std::string>{"reference", "extended"}));
  Row r;
  for (const Column& c : cols) {
    if (c.type == ColumnType::f64)
      set_real(r, c, 1.5);
    else
      set_integer(r, c, 7);
  }
  for (const Column& c : cols) {
    if (c.type == ColumnType::f64)
      EXPECT_EQ(get_real(r, c), 1.5) << c.name;
    else
      EXPECT_EQ(get_integer(r, c), 7) << c.name;
  }
}

// A compute target equal to a paper width's compute picks that width back.
TEST(PointEvaluator, WidthForComputeInvertsThePolicies) {
  const search::ScalingPolicy policy;
  const costmodel::Model m = search::model_for_width(53248, policy);
  EXPECT_EQ(width_for_compute(m.compute_flop(), policy), 53248);
  EXPECT_EQ(width_for_compute(m.compute_flop() * 1.01, policy), 53248);
}

// The smallest-cluster point of H100 SXM, dense, default batch at d = 53248 is the frontier row
// of MODEL.md section 9's headline: about 8.4 million GPUs at utilization 0.553.
TEST(PointEvaluator, SmallestClusterPointIsTheFrontierRow) {
  Axes a;
  a.hardware = {hardware("h100-sxm")};
  a.width = {{53248, 0}};
  const Grid g(a);
  PointEvaluator ev(g);
  const Row r = ev.evaluate(0);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.gpus, 8388608);
  EXPECT_NEAR(r.utilization, 0.553, 5e-4);
  EXPECT_EQ(r.meets_deadline, 1);
  EXPECT_NEAR(r.compute_flop / 2.048e28, 1.0, 5e-4);
  EXPECT_NEAR(r.busy_s + r.bubble_s + r.exposed_comm_s + r.exposed_latency_s, r.run_s, 1e-9 * r.run_s);
  EXPECT_EQ(r.total[0] * r.total[1] * r.total[2] * r.total[3] * r.total[4], r.gpus);
}

TEST(PointEvaluator, GivenClusterPointIsTheBestPlan) {
  Axes a;
  a.hardware = {hardware("h100-sxm")};
  a.width = {{12288, 0}};
  a.gpus = {2048, 12};
  const Grid g(a);
  PointEvaluator ev(g);
  const Row r = ev.evaluate(0);
  const costmodel::Model m = search::model_for_width(12288, search::ScalingPolicy{});
  const search::SearchResult best = search::best_plan(a.hardware[0].machine, m, 2048);
  ASSERT_TRUE(best.found());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.utilization, best.evaluation.utilization);
  EXPECT_EQ(r.requested_gpus, 2048);
  // 12 GPUs do not fill the 8-GPU level (MODEL.md section 6 precondition).
  EXPECT_EQ(ev.evaluate(1).status, static_cast<std::uint8_t>(costmodel::Status::cluster_levels));
}

TEST(PointEvaluator, ExplicitPlanMatchesTheCostModel) {
  Axes a;
  a.hardware = {hardware("h100-sxm")};
  a.width = {{12288, 0}};
  ExplicitParallelism p;
  p.dp = {{1, {}}};
  p.tp_model = {{4, {}}};
  p.tp_ff = {{8, {1, 8}}};  // total 8, per level: inside a node 1, across nodes 8
  p.pp = {{64, {}}, {5, {}}};
  p.ep = {{1, {}}};
  p.microbatches = {128};
  p.interleave = {0};
  p.zero_bubble = {true};
  a.parallelism = p;
  const Grid g(a);
  PointEvaluator ev(g);
  const Row r = ev.evaluate(0);
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.gpus, 4 * 8 * 64);
  EXPECT_EQ(r.level[2][0], 1);  // tp_ff kept where it was put
  EXPECT_EQ(r.level[2][1], 8);
  // The chosen split, evaluated directly, gives the same numbers.
  const costmodel::Model m = search::model_for_width(12288, search::ScalingPolicy{});
  costmodel::Plan plan;
  plan.levels = 2;
  for (int k = 0; k < costmodel::kKinds; ++k)
    for (int l = 0; l < 2; ++l)
      plan.at(static_cast<costmodel::Kind>(k), l) =
          r.level[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)];
  plan.microbatches = 128;
  plan.interleave = 1;
  plan.zero_bubble = true;
  const costmodel::Evaluation direct = costmodel::evaluate(a.hardware[0].machine, m, plan);
  EXPECT_EQ(r.run_s, direct.run_s);
  EXPECT_EQ(r.tp_comm_s, direct.run_tp_comm_s);
  // pp = 5 does not divide the 192 layers.
  EXPECT_EQ(ev.evaluate(1).status, static_cast<std::uint8_t>(costmodel::Status::invalid_plan));
}

// A batch law that gives more than 2^63 tokens per step (a steep power law on 2^53-token
// sequences): the row is an invalid model, its batch_tokens saturated, not a signed overflow
// (UBSan, evaluate_point.cpp, found by a sweep of extreme but accepted axis values).
TEST(PointEvaluator, AnOverflowingBatchIsAnInvalidModel) {
  Axes a;
  a.hardware = {hardware("h100-sxm")};
  a.width = {{12288, 0}};
  a.seq_len = {std::int64_t{1} << 53};
  BatchValue steep;
  steep.law.policy = search::BatchPolicy::power;
  steep.law.exponent = 10;  // (C / 3e23)^10 x 2^22 / 2^53: thousands of sequences of 2^53 tokens
  a.batch = {steep};
  const Grid g(a);
  PointEvaluator eval(g);
  const Row row = eval.evaluate(0);
  EXPECT_EQ(row.status, static_cast<std::uint8_t>(costmodel::Status::invalid_plan));
  EXPECT_GT(row.batch_seqs, 1);
  EXPECT_EQ(row.batch_tokens, std::numeric_limits<std::int64_t>::max());
}

// Without [cluster] sizes each point takes its model kind's default cluster sizes; the axis label
// names them when every model kind agrees.
TEST(Grid, DefaultClusterSizesLabel) {
  Axes a = small_axes();
  EXPECT_EQ(Grid(a).axis_labels(Axis::cluster_sizes), (std::vector<std::string>{"powers-of-two"}));
  a.model_kind = {costmodel::ModelKind::extended};
  EXPECT_EQ(Grid(a).axis_labels(Axis::cluster_sizes), (std::vector<std::string>{"domains"}));
  a.model_kind = {costmodel::ModelKind::reference, costmodel::ModelKind::extended};
  EXPECT_EQ(Grid(a).axis_labels(Axis::cluster_sizes), (std::vector<std::string>{"model default"}));
}

// The model axis: each point records its cost model, and on H100 SXM (Hopper, an 8-GPU NVLink
// domain) the extended model has nothing to add, so both points give the same row.
TEST(PointEvaluator, ModelAxisIsRecordedAndExtendedEqualsReferenceOnHopper) {
  Axes a;
  a.hardware = {hardware("h100-sxm")};
  a.width = {{53248, 0}};
  a.model_kind = {costmodel::ModelKind::reference, costmodel::ModelKind::extended};
  const Grid g(a);
  ASSERT_EQ(g.size(), 2u);
  PointEvaluator ev(g);
  const Row ref = ev.evaluate(0);
  const Row ext = ev.evaluate(1);
  EXPECT_EQ(ref.model, 0);
  EXPECT_EQ(ext.model, 1);
  EXPECT_NE(ref.scenario, ext.scenario);
  EXPECT_EQ(ref.status, 0);
  EXPECT_EQ(ext.status, ref.status);
  EXPECT_EQ(ext.gpus, ref.gpus);
  EXPECT_EQ(ext.utilization, ref.utilization);
  EXPECT_EQ(ext.level, ref.level);
}

}  // namespace
}  // namespace llmsweep::grid
