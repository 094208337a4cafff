// Unit tests of the extended model's whole-run layer (docs/MODEL-EXTENDED.md E5-E7;
// src/search/run.cpp, src/search/ramp.cpp, Step Law in src/search/policy.cpp). Profiles are
// MODEL.md's H100 SXM built by hand, so this links only search and costmodel. Every expected
// number names its source: the reference search it must agree with, a formula worked in the
// comment, or a published figure.
#include "search/run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "costmodel/evaluate.hpp"
#include "costmodel/failures.hpp"
#include "model_md_hardware.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/frontier.hpp"
#include "search/policy.hpp"
#include "search/ramp.hpp"

namespace llmsweep::search {
namespace {

using costmodel::Kind;
using costmodel::Status;

// Golden file optimal[0]: d = 12288, f = 4d, L = 192, B = 3584 sequences of 2048 tokens.
costmodel::Model small_model() {
  costmodel::Model m;
  m.d_model = 12288;
  m.d_ff = 49152;
  m.layers = 192;
  m.batch_seqs = 3584;
  m.seq_len = 2048;
  return m;
}

SearchOptions extended() {
  SearchOptions o;
  o.model.model_kind = costmodel::ModelKind::extended;
  return o;
}

costmodel::FailureModel storage_failures() {
  costmodel::FailureModel f;
  f.recovery = costmodel::Recovery::storage;
  f.gpu_mtbf_s = 50000 * 3600.0;  // Epoch AI's 50,000 h per GPU
  f.checkpoint_write_Bps = 2e12;  // Llama 3's Tectonic, 2 TB/s sustained
  f.checkpoint_read_Bps = 7e12;   // and 7 TB/s peak
  f.restart_s = 600;              // 10 min per failure of synchronous training at O(100K) GPUs
  return f;
}

BatchRamp deepseek_v3_ramp() {
  // DeepSeek-V3: 3,072 sequences for the first 469B of 14.8T tokens, then 15,360: factor
  // 3072 / 15360 = 0.2 up to 469 / 14800 = 0.0317 of the tokens.
  return BatchRamp{{{469.0 / 14800.0, 0.2}, {1.0, 1.0}}};
}

TEST(Ramp, PhasesOfDeepSeekV3) {
  costmodel::Model m = small_model();
  m.batch_seqs = 15360;
  const std::vector<Phase> phases = phases_of(m, deepseek_v3_ramp());
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].model.batch_seqs, 3072);
  EXPECT_EQ(phases[1].model.batch_seqs, 15360);
  EXPECT_DOUBLE_EQ(phases[0].tokens_fraction, 469.0 / 14800.0);
  EXPECT_NEAR(phases[0].tokens_fraction + phases[1].tokens_fraction, 1, 1e-15);
  EXPECT_EQ(phases_of(m, BatchRamp{}).size(), 1u);
}

TEST(Ramp, BadRampsAreRefused) {
  EXPECT_FALSE(check_ramp(deepseek_v3_ramp()));
  EXPECT_TRUE(check_ramp(BatchRamp{{{0.5, 0.2}, {0.4, 1}}}));  // fractions do not increase
  EXPECT_TRUE(check_ramp(BatchRamp{{{0.5, 0.2}, {0.9, 1}}}));  // does not end at 1
  EXPECT_TRUE(check_ramp(BatchRamp{{{0.5, -0.2}, {1, 1}}}));   // negative batch factor
  EXPECT_TRUE(check_ramp(BatchRamp{{{0.0, 0.2}, {1, 1}}}));    // an empty first phase
  EXPECT_TRUE(check_ramp(BatchRamp{{{0.5, 0.2}, {1.5, 1}}}));  // past the run
  const auto parsed = parse_ramp("0.0316891891891892:0.2,1:1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(ramp_label(*parsed), "0.03168918919:0.2,1:1");
  EXPECT_FALSE(parse_ramp("0.5,1:1"));
  EXPECT_TRUE(parse_ramp("none") && !parse_ramp("none")->active());
}

TEST(StepLaw, BatchIsPointFiveEightTimesTokensToThePointFiveSevenOne) {
  // Li et al. 2025: B_opt = 0.58 D^0.571 tokens. The policy gets C; D = 20 P from the model itself.
  ScalingPolicy p;
  p.batch.policy = BatchPolicy::step_law;
  for (std::int64_t d : {12288, 53248, 196608}) {
    const costmodel::Model m = model_for_width(d, p);
    const double tokens = 0.58 * std::pow(m.tokens(), 0.571);
    EXPECT_EQ(m.batch_seqs, closest(tokens / 2048)) << d;
  }
  // d = 12288: P = 2 d f L = 2.319e11, D = 4.639e12, 0.58 D^0.571 = 9.907e6 tokens = 4,837 sequences,
  // nearer 9 x 2^9 = 4,608 than 5 x 2^10 = 5,120 (the paper's default law gives 3,584).
  EXPECT_EQ(model_for_width(12288, p).batch_seqs, 4608);
  EXPECT_EQ(batch_policy_from_name("step-law"), BatchPolicy::step_law);
}

TEST(Run, FailuresDoNotChangeThePlanOnlyTheWallTime) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  const costmodel::Model m = small_model();
  RunTerms terms;
  terms.failures = storage_failures();
  RunSearch run(mc, m, extended(), terms);
  const RunResult r = run.best(4096);
  const SearchResult ref = best_plan(mc, m, 4096);
  ASSERT_TRUE(r.found() && ref.found());
  EXPECT_EQ(r.main().plan.degree, ref.plan.degree);
  EXPECT_EQ(r.compute_s, ref.evaluation.run_s);  // one phase: the reference run time exactly
  EXPECT_EQ(r.utilization, ref.evaluation.utilization);
  const costmodel::FailureTimes f = costmodel::failure_times(terms.failures, ref.evaluation.run_s, 4096,
                                                             costmodel::checkpoint_bytes(m, 2), 1e11);
  EXPECT_EQ(r.wall_s, f.wall_s);
  EXPECT_GT(r.wall_s, r.compute_s);
  EXPECT_DOUBLE_EQ(r.wall_utilization, r.utilization * r.compute_s / r.wall_s);
}

TEST(Run, PerPhasePlansAreEachPhasesBestPlan) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  costmodel::Model m = small_model();
  m.batch_seqs = 15360;
  RunTerms terms;
  terms.ramp = deepseek_v3_ramp();
  RunSearch run(mc, m, extended(), terms);
  const RunResult r = run.best(8192);
  ASSERT_TRUE(r.found());
  ASSERT_EQ(r.phases.size(), 2u);
  double sum = 0;
  for (const RunPhase& p : r.phases) {
    const SearchResult alone = best_plan(mc, p.phase.model, 8192);
    ASSERT_TRUE(alone.found());
    EXPECT_EQ(p.plan.degree, alone.plan.degree);
    sum += p.phase.tokens_fraction * alone.evaluation.run_s;
  }
  EXPECT_DOUBLE_EQ(r.compute_s, sum);
  EXPECT_DOUBLE_EQ(r.warmup_s, r.phases[0].phase.tokens_fraction * r.phases[0].evaluation.run_s);
  EXPECT_EQ(r.wall_s, r.compute_s);  // no failures
}

TEST(Run, OnePlanIsNeverFasterThanPerPhasePlans) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  costmodel::Model m = small_model();
  m.batch_seqs = 15360;
  RunTerms per_phase, one;
  per_phase.ramp = one.ramp = deepseek_v3_ramp();
  one.ramp_plans = RampPlans::one_plan;
  const RunResult a = RunSearch(mc, m, extended(), per_phase).best(8192);
  const RunResult b = RunSearch(mc, m, extended(), one).best(8192);
  ASSERT_TRUE(a.found() && b.found());
  EXPECT_EQ(b.phases[0].plan.degree, b.phases[1].plan.degree);
  EXPECT_EQ(b.phases[0].plan.microbatches, b.phases[1].plan.microbatches);
  EXPECT_LE(a.compute_s, b.compute_s);
  // A "ramp" whose steps all keep the batch: one plan and per-phase plans are the same plan.
  RunTerms flat;
  flat.ramp = BatchRamp{{{0.5, 1}, {1, 1}}};
  flat.ramp_plans = RampPlans::one_plan;
  const RunResult c = RunSearch(mc, m, extended(), flat).best(8192);
  const SearchResult ref = best_plan(mc, m, 8192);
  ASSERT_TRUE(c.found());
  EXPECT_NEAR(c.compute_s / ref.evaluation.run_s, 1, 1e-12);
}

TEST(Run, OnlyDataParallelismCrossesSitesAndSitesCostTime) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  const costmodel::Model m = small_model();
  RunTerms terms;
  terms.sites = {4, 1e9, 0.025, costmodel::SiteCrossing::dp};  // 1 GB/s per GPU, 25 ms per hop
  const RunResult r = RunSearch(mc, m, extended(), terms).best(8192);
  ASSERT_TRUE(r.found());
  const costmodel::Plan& p = r.main().plan;
  ASSERT_EQ(p.levels, 3);  // NVLink, scale-out inside a site, sites
  EXPECT_EQ(p.at(Kind::dp, 2), 4);
  for (Kind k : {Kind::tp_model, Kind::tp_ff, Kind::pp, Kind::ep}) EXPECT_EQ(p.at(k, 2), 1);
  const SearchResult one_site = best_plan(mc, m, 8192);
  EXPECT_GT(r.compute_s, one_site.evaluation.run_s);
  // The DP all-reduce across sites: 2 (K - 1) P w / (N beta / 2) per step at least (MODEL.md
  // section 3 at the site level, q = 1): 6 x 2.32e11 x 2 / (8192 x 0.5e9) s.
  const double site_allreduce_s = 2.0 * 3 * m.params() * 2 / (8192 * 1e9 / 2);
  EXPECT_GE(r.main().evaluation.net.dp_comm_s, site_allreduce_s * (1 - 1e-12));
  // With DP and PP allowed across, the search may also use PP there, never doing worse.
  terms.sites.crossing = costmodel::SiteCrossing::dp_pp;
  const RunResult both = RunSearch(mc, m, extended(), terms).best(8192);
  ASSERT_TRUE(both.found());
  EXPECT_LE(both.compute_s, r.compute_s);
  // 8192 GPUs are not a multiple of 3 sites.
  terms.sites.count = 3;
  EXPECT_EQ(RunSearch(mc, m, extended(), terms).best(8192).status, Status::cluster_levels);
}

TEST(Run, SmallestClusterUsesTheWallTime) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  const costmodel::Model m = small_model();
  RunTerms terms;
  terms.failures = storage_failures();
  const double deadline = max_run_seconds(3);
  const RunResult r = RunSearch(mc, m, extended(), terms).smallest(deadline, ClusterSizes::powers_of_two);
  ASSERT_TRUE(r.found());
  EXPECT_LT(r.wall_s, deadline);
  // The reference answer (2,048 GPUs, golden optimal[0]) or a larger cluster, never smaller.
  EXPECT_GE(r.gpus, smallest_cluster(mc, m, deadline).gpus);
  // Failures every few seconds: no cluster can finish (storage checkpoints of 2.3 TB take 1.2 s).
  terms.failures.gpu_mtbf_s = 3600;
  EXPECT_EQ(RunSearch(mc, m, extended(), terms).smallest(deadline, ClusterSizes::powers_of_two).status,
            Status::deadline);
}

TEST(Run, WholeRunsTakeTheClusterSizesOfTheModel) {
  // 72-GPU scale-up domains (GB200 NVL72's shape on MODEL.md's H100): the extended model's
  // default cluster sizes (domains) try whole domains and the largest power of two of each; a
  // whole run with negligible failures must pick the same cluster as the search without them,
  // under each policy (search::smallest_run against search::smallest_cluster).
  costmodel::Hardware hw = test::model_md_h100_sxm();
  hw.level_sizes[0] = 72;
  const costmodel::Machine mc = costmodel::make_machine(hw);
  RunTerms rare;
  rare.failures = storage_failures();
  rare.failures.gpu_mtbf_s = 1e15 * 3600;
  const double max_run_s = max_run_seconds(3);
  for (ClusterSizes sizes : {ClusterSizes::domains, ClusterSizes::pow2_domains, ClusterSizes::fill_levels}) {
    for (std::int64_t width : {12288, 16384}) {
      const costmodel::Model model = model_for_width(width, ScalingPolicy{});
      const ClusterResult plain = smallest_cluster(mc, model, max_run_s, extended(), sizes);
      const RunResult run = smallest_run(mc, model, extended(), rare, max_run_s, sizes);
      ASSERT_TRUE(plain.found() && run.found()) << cluster_sizes_name(sizes) << " " << width;
      EXPECT_EQ(run.gpus, plain.gpus) << cluster_sizes_name(sizes) << " " << width;
      EXPECT_EQ(run.whole_domains, plain.whole_domains) << cluster_sizes_name(sizes) << " " << width;
      EXPECT_EQ(run.main().plan.degree, plain.plan.degree) << cluster_sizes_name(sizes) << " " << width;
    }
  }
}

TEST(Run, FrontierWithoutRunTermsIsTheReferenceFrontier) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  FrontierSpec spec;
  spec.widths = {12288, 16384, 24576};
  spec.search = extended();
  EXPECT_FALSE(uses_run_terms(spec));
  spec.run.failures = storage_failures();
  EXPECT_TRUE(uses_run_terms(spec));
  FrontierSpec reference = spec;
  reference.search = SearchOptions{};
  EXPECT_FALSE(uses_run_terms(reference));  // the reference model ignores run terms
  const Frontier ref = frontier(mc, reference);
  // Failures so rare (1e15 h per GPU) that the optimal interval is the whole run: the overhead is
  // the one checkpoint at its end (delta = 5 P w / 2e12 B/s, at most 7.7 s of 3e6 s): same rows.
  spec.run.failures.gpu_mtbf_s = 1e15 * 3600;
  const Frontier rare = frontier(mc, spec);
  ASSERT_EQ(rare.rows.size(), ref.rows.size());
  for (std::size_t i = 0; i < ref.rows.size(); ++i) {
    EXPECT_EQ(rare.rows[i].result.gpus, ref.rows[i].result.gpus);
    EXPECT_EQ(rare.rows[i].result.plan.degree, ref.rows[i].result.plan.degree);
    ASSERT_TRUE(rare.rows[i].run);
    EXPECT_NEAR(rare.rows[i].run->wall_s / ref.rows[i].result.evaluation.run_s, 1, 1e-5);
  }
  EXPECT_EQ(rare.thresholds.largest_feasible_flop, ref.thresholds.largest_feasible_flop);
}

TEST(Run, ResolveTermsFromProfileAndInputs) {
  costmodel::Hardware hw = test::model_md_h100_sxm();
  RunTerms terms;
  EXPECT_FALSE(resolve_run_terms(hw, {}, terms));
  EXPECT_FALSE(terms.active());
  RunInputs in;
  in.recovery = costmodel::Recovery::storage;
  auto bad = resolve_run_terms(hw, in, terms);  // no [failures] table and no MTBF given
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->field, "mtbf");
  in.gpu_mtbf_s = -1;  // a negative MTBF
  in.restart_s = 600;
  EXPECT_EQ(resolve_run_terms(hw, in, terms)->field, "mtbf");
  hw.failures = storage_failures();
  EXPECT_FALSE(resolve_run_terms(hw, {}, terms));
  EXPECT_EQ(terms.failures, storage_failures());
  in = {};
  in.restart_s = 30;  // overrides one number of the profile's table
  EXPECT_FALSE(resolve_run_terms(hw, in, terms));
  EXPECT_EQ(terms.failures.restart_s, 30);
  in = {};
  in.sites = 8;
  EXPECT_EQ(resolve_run_terms(hw, in, terms)->field, "site_bandwidth");
  in.site_bandwidth_Bps = 1e9;
  in.site_latency_s = 1e-9;  // nearer than the 1.125 us scale-out hop: below the scale-out level
  EXPECT_EQ(resolve_run_terms(hw, in, terms)->field, "site_latency");
  in.site_latency_s = 0.025;
  EXPECT_FALSE(resolve_run_terms(hw, in, terms));
  in.ramp = BatchRamp{{{0.5, 0.2}}};  // does not end at 1
  EXPECT_EQ(resolve_run_terms(hw, in, terms)->field, "ramp");
}

TEST(Run, ExplicitPlanAcrossSites) {
  const costmodel::Machine mc = costmodel::make_machine(test::model_md_h100_sxm());
  const costmodel::Model m = small_model();
  RunTerms terms;
  terms.sites = {2, 1e9, 0.025, costmodel::SiteCrossing::dp};
  costmodel::Plan plan;
  plan.levels = 3;
  plan.at(Kind::tp_model, 0) = 8;
  plan.at(Kind::pp, 1) = 64;
  plan.at(Kind::dp, 2) = 2;
  plan.microbatches = 128;
  plan.interleave = 3;
  EXPECT_EQ(check_run_plan(mc.hw, m, plan, terms), "");
  const RunResult r = evaluate_run(mc, m, plan, costmodel::Options{}, terms);
  EXPECT_EQ(r.gpus, 1024);
  EXPECT_EQ(r.main().evaluation.step_s,
            costmodel::evaluate(costmodel::make_machine(run_hardware(mc.hw, terms, 1024)), m, plan).step_s);
  plan.at(Kind::pp, 1) = 32;
  plan.at(Kind::pp, 2) = 2;
  plan.at(Kind::dp, 2) = 1;
  plan.at(Kind::dp, 1) = 2;
  EXPECT_NE(check_run_plan(mc.hw, m, plan, terms).find("pp degree at the site level"), std::string::npos);
}

}  // namespace
}  // namespace llmsweep::search
