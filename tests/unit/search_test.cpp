// Unit tests of the plan search and the scaling policies (MODEL.md sections 6 to 9). Profiles
// are built by hand from MODEL.md section 1 so that this test links only search and costmodel.
// Every expected number names its source: a MODEL.md section, the golden file, or a formula
// worked by hand in the comment next to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "costmodel/evaluate.hpp"
#include "costmodel/hardware.hpp"
#include "model_md_hardware.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/divisors.hpp"
#include "search/frontier.hpp"
#include "search/policy.hpp"

namespace llmsweep::search {
namespace {

using costmodel::Kind;
using costmodel::Status;

// MODEL.md section 1, H100 SXM column.
costmodel::Hardware h100_sxm() {
  return test::model_md_h100_sxm();
}

// MODEL.md section 1, superpod variant: levels (8, 32), bandwidth 9e11, 4.5e11, 1e11.
costmodel::Hardware h100_superpod() {
  costmodel::Hardware hw = h100_sxm();
  hw.name = "H100 SXM Superpod";
  hw.level_sizes = {8, 32};
  hw.link_bandwidth_Bps = {9e11, 4.5e11, 1e11};
  hw.link_latency_s = {1.125e-6, 1.125e-6, 1.125e-6};
  return hw;
}

// Golden file optimal[0]: the paper's smallest model, d = 12288, f = 4d, L = 192, B = 3584.
costmodel::Model golden_optimal0_model() {
  costmodel::Model m;
  m.d_model = 12288;
  m.d_ff = 49152;
  m.layers = 192;
  m.experts = 1;
  m.batch_seqs = 3584;
  m.seq_len = 2048;
  return m;
}

// ---- integer helpers ------------------------------------------------------------------

TEST(Divisors, SmallAndSpecialValues) {
  EXPECT_EQ(divisors(1), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(divisors(12), (std::vector<std::int64_t>{1, 2, 3, 4, 6, 12}));
  EXPECT_EQ(divisors(97), (std::vector<std::int64_t>{1, 97}));  // prime
  EXPECT_EQ(divisors(1000003),
            (std::vector<std::int64_t>{1, 1000003}));              // prime above the trial loop's start
  EXPECT_EQ(divisors(49), (std::vector<std::int64_t>{1, 7, 49}));  // square of a prime
}

TEST(Divisors, CountsAndOrderOfSmoothNumbers) {
  // 2^10 * 3^2 has (10 + 1)(2 + 1) = 33 divisors; 2^59 has 60; 12288 * 49152 = 2^26 * 3^2 has 81.
  for (const auto& [n, count] : std::vector<std::pair<std::int64_t, std::size_t>>{
           {9216, 33}, {std::int64_t{1} << 59, 60}, {std::int64_t{12288} * 49152, 81}}) {
    const std::vector<std::int64_t> d = divisors(n);
    EXPECT_EQ(d.size(), count) << n;
    EXPECT_TRUE(std::is_sorted(d.begin(), d.end())) << n;
    EXPECT_EQ(std::adjacent_find(d.begin(), d.end()), d.end()) << n;
    for (std::int64_t x : d) EXPECT_EQ(n % x, 0) << n << " " << x;
    EXPECT_EQ(d.back(), n);
  }
}

TEST(Isqrt, FloorOfSquareRoot) {
  EXPECT_EQ(isqrt(0), 0);
  EXPECT_EQ(isqrt(1), 1);
  EXPECT_EQ(isqrt(3), 1);
  EXPECT_EQ(isqrt(4), 2);
  EXPECT_EQ(isqrt(15), 3);
  EXPECT_EQ(isqrt(16), 4);
  EXPECT_EQ(isqrt(17), 4);
  // Near 2^63, where sqrt of the double rounds: (2^31.5 floor) = 3037000499, 3037000499^2 =
  // 9223372030926249001 <= 2^63 - 1 < 3037000500^2.
  EXPECT_EQ(isqrt(std::numeric_limits<std::int64_t>::max()), 3037000499);
  // (10^9 + 7)^2 - 1 must floor to 10^9 + 6 although its double rounds up to the square.
  const std::int64_t r = 1000000007;
  EXPECT_EQ(isqrt(r * r - 1), r - 1);
  EXPECT_EQ(isqrt(r * r), r);
}

TEST(Gcd, Basic) {
  EXPECT_EQ(gcd64(12, 18), 6);
  EXPECT_EQ(gcd64(2048, 3584 * 2048), 2048);
  EXPECT_EQ(gcd64(7, 8), 1);
}

TEST(OrderedFactorizations, EightIntoFiveFactors) {
  // Compositions of the exponent 3 into 5 parts: C(3 + 4, 4) = 35. Section 6: first factor over
  // its divisors ascending (slowest), then the rest recursively.
  const std::vector<Factorization> f = ordered_factorizations(8);
  ASSERT_EQ(f.size(), 35u);
  const std::vector<Factorization> first{{1, 1, 1, 1, 8}, {1, 1, 1, 2, 4}, {1, 1, 1, 4, 2}, {1, 1, 1, 8, 1},
                                         {1, 1, 2, 1, 4}, {1, 1, 2, 2, 2}, {1, 1, 2, 4, 1}, {1, 1, 4, 1, 2}};
  EXPECT_EQ(std::vector<Factorization>(f.begin(), f.begin() + 8), first);
  EXPECT_EQ(f.back(), (Factorization{8, 1, 1, 1, 1}));
  EXPECT_EQ(f[f.size() - 2], (Factorization{4, 2, 1, 1, 1}));
  for (const Factorization& x : f) EXPECT_EQ(x[0] * x[1] * x[2] * x[3] * x[4], 8);
  // Strictly increasing in lexicographic order, hence no duplicates.
  EXPECT_TRUE(std::is_sorted(f.begin(), f.end()));
  EXPECT_EQ(std::adjacent_find(f.begin(), f.end()), f.end());
}

TEST(OrderedFactorizations, CountsAreProductsOfCompositions) {
  // n = prod p^e: prod over primes of C(e + 4, 4).
  EXPECT_EQ(ordered_factorizations(1).size(), 1u);        // only 1 x 1 x 1 x 1 x 1
  EXPECT_EQ(ordered_factorizations(12).size(), 75u);      // 2^2 * 3: C(6,4) * C(5,4) = 15 * 5
  EXPECT_EQ(ordered_factorizations(1024).size(), 1001u);  // 2^10: C(14, 4)
  EXPECT_EQ(ordered_factorizations(32).size(), 126u);     // 2^5: C(9, 4)
}

TEST(DivisorCache, SameListsAsTheFreeFunctions) {
  DivisorCache cache;
  EXPECT_EQ(cache.divisors_of(3584), divisors(3584));
  EXPECT_EQ(cache.factorizations_of(24), ordered_factorizations(24));
  EXPECT_EQ(&cache.divisors_of(3584), &cache.divisors_of(3584));  // memoised
}

// ---- section 6: level sizes -----------------------------------------------------------

TEST(AdjustedLevelSizes, WalkUpTheLevels) {
  // Section 6: keep s_k while r s_k < N; at the first level with r s_k >= N use N // r; 1 above.
  const std::vector<std::int64_t> one{8};
  EXPECT_EQ(adjusted_level_sizes(one, 1), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(adjusted_level_sizes(one, 4), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(adjusted_level_sizes(one, 8), (std::vector<std::int64_t>{8}));  // 1 * 8 >= 8: 8 // 1
  EXPECT_EQ(adjusted_level_sizes(one, 2048), (std::vector<std::int64_t>{8}));
  const std::vector<std::int64_t> two{8, 32};
  EXPECT_EQ(adjusted_level_sizes(two, 4), (std::vector<std::int64_t>{4, 1}));
  EXPECT_EQ(adjusted_level_sizes(two, 8), (std::vector<std::int64_t>{8, 1}));
  EXPECT_EQ(adjusted_level_sizes(two, 16), (std::vector<std::int64_t>{8, 2}));  // 8 * 32 >= 16: 16 // 8
  EXPECT_EQ(adjusted_level_sizes(two, 256), (std::vector<std::int64_t>{8, 32}));
  EXPECT_EQ(adjusted_level_sizes(two, 4096), (std::vector<std::int64_t>{8, 32}));
  EXPECT_TRUE(adjusted_level_sizes({}, 64).empty());
  // Cluster sizes past 2^63 (E * 2^59 with E = 64, section 7).
  EXPECT_EQ(adjusted_level_sizes(two, GpuCount{64} << 59), (std::vector<std::int64_t>{8, 32}));
}

TEST(FitsLevels, SectionSixPrecondition) {
  // For each i = 1..K: if N > prod_{j<i} s_j then N is a multiple of it.
  const std::vector<std::int64_t> one{8};
  EXPECT_TRUE(fits_levels(one, 1));
  EXPECT_TRUE(fits_levels(one, 4));  // inside one node
  EXPECT_TRUE(fits_levels(one, 8));
  EXPECT_FALSE(fits_levels(one, 12));  // 12 > 8, not a multiple of 8
  EXPECT_TRUE(fits_levels(one, 16));
  const std::vector<std::int64_t> two{8, 32};
  EXPECT_TRUE(fits_levels(two, 24));  // multiple of 8, below 256
  EXPECT_FALSE(fits_levels(two, 12));
  EXPECT_FALSE(fits_levels(two, 264));  // 264 > 256 and not a multiple of 256
  EXPECT_TRUE(fits_levels(two, 512));
  EXPECT_TRUE(fits_levels({}, 7));  // one level: anything goes
}

// ---- section 6: best plan -------------------------------------------------------------

TEST(BestPlan, GoldenOptimal0) {
  // Golden file optimal[0]: H100 SXM, N = 2048, overlap 1/0/1: DP 1, TPm 4, TPf 8, PP 64, EP 1,
  // m 128, v 1, utilization 0.6989935821907877, 0.14449029897401072 years (3.154e7 s each).
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const SearchResult r = best_plan(mc, golden_optimal0_model(), 2048);
  ASSERT_TRUE(r.found()) << costmodel::status_name(r.status);
  EXPECT_EQ(r.plan.total(Kind::dp), 1);
  EXPECT_EQ(r.plan.total(Kind::tp_model), 4);
  EXPECT_EQ(r.plan.total(Kind::tp_ff), 8);
  EXPECT_EQ(r.plan.total(Kind::pp), 64);
  EXPECT_EQ(r.plan.total(Kind::ep), 1);
  EXPECT_EQ(r.plan.microbatches, 128);
  EXPECT_EQ(r.plan.interleave, 1);
  EXPECT_NEAR(r.evaluation.utilization / 0.6989935821907877, 1, 1e-9);
  EXPECT_NEAR(r.evaluation.run_s / kSecondsPerYear / 0.14449029897401072, 1, 1e-9);
}

TEST(BestPlan, ChosenPlanIsValidAndReEvaluatesTheSame) {
  const costmodel::Machine mc = costmodel::make_machine(h100_superpod());
  const costmodel::Model m = golden_optimal0_model();
  for (GpuCount n : {GpuCount{32}, GpuCount{64}, GpuCount{512}, GpuCount{4096}}) {  // 32+: memory
    SCOPED_TRACE(static_cast<long long>(n));
    const SearchResult r = best_plan(mc, m, n);
    ASSERT_TRUE(r.found());
    EXPECT_EQ(costmodel::check_plan(mc.hw, m, r.plan), "");
    EXPECT_EQ(r.plan.gpus(), static_cast<double>(n));
    const costmodel::Evaluation ev = costmodel::evaluate(mc, m, r.plan);
    EXPECT_DOUBLE_EQ(ev.run_s, r.evaluation.run_s);
    // Step 5: v = L // PP without zero-bubble and PP > 1, else 1.
    const std::int64_t pp = r.plan.total(Kind::pp);
    EXPECT_EQ(r.plan.interleave, (!r.plan.zero_bubble && pp > 1) ? m.layers / pp : 1);
  }
}

TEST(BestPlan, NoPruningIsNeverWorse) {
  // Quirk Q2: the flattened profile is not a strict lower bound, so pruning may miss the best
  // plan, but searching everything can only find an equal or faster one.
  const costmodel::Machine mc = costmodel::make_machine(h100_superpod());
  SearchOptions exhaustive;
  exhaustive.prune_flattened = false;
  for (GpuCount n : {GpuCount{256}, GpuCount{2048}}) {
    const SearchResult pruned = best_plan(mc, golden_optimal0_model(), n);
    const SearchResult all = best_plan(mc, golden_optimal0_model(), n, exhaustive);
    ASSERT_TRUE(pruned.found());
    ASSERT_TRUE(all.found());
    EXPECT_LE(all.evaluation.run_s, pruned.evaluation.run_s);
  }
}

TEST(BestPlan, ZeroBubbleCanBeRuledOut) {
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  // Golden optimal[0]'s plan is zero-bubble (m = 128 = 2 PP, v = 1).
  const SearchResult with = best_plan(mc, golden_optimal0_model(), 2048);
  ASSERT_TRUE(with.found());
  EXPECT_TRUE(with.plan.zero_bubble);
  SearchOptions no_zb;
  no_zb.allow_zero_bubble = false;
  const SearchResult without = best_plan(mc, golden_optimal0_model(), 2048, no_zb);
  ASSERT_TRUE(without.found());
  EXPECT_FALSE(without.plan.zero_bubble);
  EXPECT_GE(without.evaluation.run_s, with.evaluation.run_s);
}

TEST(BestPlan, ClusterThatDoesNotFillTheLevels) {
  // N = 12 on an 8-GPU level: 12 > 8 and not a multiple of 8 (section 6 precondition).
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const SearchResult r = best_plan(mc, golden_optimal0_model(), 12);
  EXPECT_FALSE(r.found());
  EXPECT_EQ(r.status, Status::cluster_levels);
}

TEST(BestPlan, MemoryStatusWhenNoPlanFits) {
  // P = 2 * 12288 * 49152 * 192 = 231928233984; even DP = 1 needs P w + 4 P w = 10 P B
  // = 2.3e12 B > 8 * 8e10 B on 8 GPUs (section 4 memory check).
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const SearchResult r = best_plan(mc, golden_optimal0_model(), 8);
  EXPECT_FALSE(r.found());
  EXPECT_EQ(r.status, Status::memory);
  // 32 GPUs hold 2.56e12 B >= 2.32e12 B: a plan exists.
  EXPECT_TRUE(best_plan(mc, golden_optimal0_model(), 32).found());
}

TEST(BestPlan, NoGpusNoPlan) {
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  EXPECT_EQ(best_plan(mc, golden_optimal0_model(), 0).status, Status::no_plan);
}

// ---- section 7: smallest cluster ------------------------------------------------------

TEST(SmallestCluster, MaxRunSeconds) {
  EXPECT_DOUBLE_EQ(max_run_seconds(3), 0.25 * 3.154e7);  // section 7: Tmax = 0.25 * 3.154e7 s
}

TEST(SmallestCluster, SkipsClustersBelowNmin) {
  // Golden optimal[0]'s model: C = 6 P D = 120 P^2 = 6.455e24 FLOP; Nmin = C / (Tmax F)
  // = 6.455e24 / (7.885e6 * 6.926e14) = 1182, so 1, 2, ..., 1024 are skipped and 2048 (golden
  // optimal[0]: 0.1445 years < 0.25) is the first tried and the answer.
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const costmodel::Model m = golden_optimal0_model();
  const double tmax = max_run_seconds(kDefaultRunMonths);
  PlanSearch search(mc, m, SearchOptions{});
  const ClusterResult r = smallest_cluster(search, mc, m, tmax);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.gpus, 2048.0);
  EXPECT_LT(r.evaluation.run_s, tmax);
  // Only N = 2048 was searched: exactly as many evaluations as one search at 2048.
  PlanSearch only(mc, m, SearchOptions{});
  only.best(2048);
  EXPECT_EQ(search.evaluations(), only.evaluations());
  // N = 1024 has plans (so searching it would have cost evaluations), all too slow.
  PlanSearch below(mc, m, SearchOptions{});
  const SearchResult at1024 = below.best(1024);
  ASSERT_TRUE(at1024.found());
  EXPECT_GT(below.evaluations(), 0u);
  EXPECT_GE(at1024.evaluation.run_s, tmax);
}

TEST(SmallestCluster, PaperLinearScalingEnd) {
  // MODEL.md section 9: d = 53248 needs about 8.4 million GPUs (8388608) at utilization 0.553.
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const costmodel::Model m = model_for_width(53248, ScalingPolicy{});
  const ClusterResult r = smallest_cluster(mc, m, max_run_seconds(kDefaultRunMonths));
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.gpus, 8388608.0);
  EXPECT_NEAR(r.evaluation.utilization, 0.553, 5e-4);
}

TEST(SmallestCluster, DeadlineWhenNothingIsFastEnough) {
  // A one-second deadline: no cluster size finishes a 6.5e24 FLOP run.
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  const ClusterResult r = smallest_cluster(mc, golden_optimal0_model(), 1.0);
  EXPECT_FALSE(r.found());
  EXPECT_EQ(r.status, Status::deadline);
}

// ---- section 8: policies --------------------------------------------------------------

TEST(Closest, NearestElementOfQ) {
  // Q = {f 2^i : f in {1,3,5,7,9}}: ... 1 2 3 4 5 6 7 8 9 10 12 14 16 18 20 24 28 ...
  EXPECT_EQ(closest(1), 1);
  EXPECT_EQ(closest(0.3), 1);  // below the smallest element
  EXPECT_EQ(closest(6.9), 7);
  EXPECT_EQ(closest(10.9), 10);
  EXPECT_EQ(closest(11.1), 12);
  EXPECT_EQ(closest(197.78), 192);                  // 3 * 64; neighbours 160 and 224
  EXPECT_EQ(closest(1e30), std::int64_t{9} << 59);  // the largest element
}

TEST(Closest, TiesGoToTheSmaller) {
  EXPECT_EQ(closest(2.5), 2);    // between 2 and 3
  EXPECT_EQ(closest(11), 10);    // between 10 and 12
  EXPECT_EQ(closest(13), 12);    // between 12 and 14
  EXPECT_EQ(closest(704), 640);  // between 640 = 5 * 128 and 768 = 3 * 256
}

TEST(Policy, DepthForGoldenWidths) {
  // L = closest(0.10056 (d f)^0.3751), f = 4d; the golden file's optimal vectors use these depths.
  EXPECT_EQ(depth_for(12288, 49152), 192);   // optimal[0]: 197.8 -> 192
  EXPECT_EQ(depth_for(16384, 65536), 256);   // optimal[4]
  EXPECT_EQ(depth_for(20480, 81920), 288);   // optimal[3]
  EXPECT_EQ(depth_for(49152, 196608), 576);  // optimal[1]
}

TEST(Policy, ExpertsFor) {
  // Section 8: dense 1; sparse closest(8 sqrt(d f / (4 * 12288^2))), 8 at d = 12288.
  EXPECT_EQ(experts_for(12288, 49152, ExpertsPolicy::dense), 1);
  EXPECT_EQ(experts_for(12288, 49152, ExpertsPolicy::width_scaled), 8);
  EXPECT_EQ(experts_for(24576, 98304, ExpertsPolicy::width_scaled), 16);  // 8 * sqrt(4)
  EXPECT_EQ(experts_for(6144, 24576, ExpertsPolicy::width_scaled), 4);    // 8 * sqrt(1/4)
}

TEST(Policy, BatchForGoldenModels) {
  // Default law E closest(sqrt(E) (C/3e23)^(1/6) 2^22 / S / E); golden optimal vectors' batches.
  const BatchLaw law;
  for (const auto& [d, layers, batch] : std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>>{
           {12288, 192, 3584}, {49152, 576, 12288}, {20480, 288, 5120}, {16384, 256, 4608}}) {
    costmodel::Model m;
    m.d_model = d;
    m.d_ff = 4 * d;
    m.layers = layers;
    m.experts = 1;
    m.batch_seqs = 1;
    m.seq_len = 2048;
    EXPECT_EQ(batch_for(m.compute_flop(), 1, 2048, law), batch) << d;
  }
}

TEST(Policy, BatchForByHand) {
  // default at C = 3e23, E = 1: closest(2^22 / 2048) = 2048.
  EXPECT_EQ(batch_for(3e23, 1, 2048, BatchLaw{}), 2048);
  // default at C = 3e23, E = 8: 8 closest(sqrt 8 * 2048 / 8 = 724.08) = 8 * 768.
  EXPECT_EQ(batch_for(3e23, 8, 2048, BatchLaw{}), 6144);
  // deepseek at C = 1e24: closest(0.2920 * 1e24^0.3271 / 2048 = 10103.06) = 10240 (5 * 2048).
  BatchLaw deepseek;
  deepseek.policy = BatchPolicy::deepseek;
  EXPECT_EQ(batch_for(1e24, 1, 2048, deepseek), 10240);
  // none: 2^22 // S.
  BatchLaw none;
  none.policy = BatchPolicy::none;
  EXPECT_EQ(batch_for(1e30, 1, 2048, none), 2048);
  EXPECT_EQ(batch_for(1e30, 1, 3000, none), 1398);  // 4194304 // 3000
}

TEST(Policy, PaperWidths) {
  // Section 8: {f 2^i : f odd in 1..15, 11 <= i <= 21} within [12288, 128 * 12288]: 55 widths.
  const std::vector<std::int64_t> w = paper_widths();
  ASSERT_EQ(w.size(), 55u);
  EXPECT_EQ(w.front(), 12288);   // 3 * 2^12
  EXPECT_EQ(w[1], 14336);        // 7 * 2^11
  EXPECT_EQ(w.back(), 1572864);  // 3 * 2^19 = 128 * 12288
  EXPECT_TRUE(std::is_sorted(w.begin(), w.end()));
  EXPECT_EQ(std::adjacent_find(w.begin(), w.end()), w.end());
  // The headline widths of section 9 are in the set.
  for (std::int64_t d : {53248, 196608, 212992}) EXPECT_NE(std::find(w.begin(), w.end(), d), w.end()) << d;
}

TEST(Policy, ModelForWidth) {
  // Section 8 with defaults: f = 4d, S = 2048, dense; golden optimal[0]'s model at d = 12288.
  const costmodel::Model m = model_for_width(12288, ScalingPolicy{});
  EXPECT_EQ(m.d_ff, 49152);
  EXPECT_EQ(m.layers, 192);
  EXPECT_EQ(m.experts, 1);
  EXPECT_EQ(m.seq_len, 2048);
  EXPECT_EQ(m.batch_seqs, 3584);
}

// ---- section 9: frontier thresholds ---------------------------------------------------

FrontierRow row(double compute_flop, double utilization) {
  FrontierRow r;
  r.compute_flop = compute_flop;
  r.result.status = Status::ok;
  r.result.evaluation.utilization = utilization;
  return r;
}

TEST(Thresholds, LinearScalingEndsAtFirstUtilizationAtOrBelowEightyPercentOfCap) {
  // Section 9: the first C with utilization <= 0.8 * cap; the limit itself counts (computed as
  // the code must, 0.8 * 0.7 in doubles), the next double above it does not.
  const double limit = 0.8 * 0.7;
  const std::vector<FrontierRow> rows{row(1e24, 0.69), row(1e25, std::nextafter(limit, 1.0)),
                                      row(1e26, limit), row(1e27, 0.3)};
  const Thresholds t = thresholds_of(rows, 0.7, 212992);
  ASSERT_TRUE(t.linear_scaling_ends_flop);
  EXPECT_EQ(*t.linear_scaling_ends_flop, 1e26);
  ASSERT_TRUE(t.largest_feasible_flop);
  EXPECT_EQ(*t.largest_feasible_flop, 1e27);
  EXPECT_EQ(t.first_infeasible_d_model, 212992);
}

TEST(Thresholds, NotReached) {
  const Thresholds none = thresholds_of({}, 0.7, std::nullopt);
  EXPECT_FALSE(none.linear_scaling_ends_flop);
  EXPECT_FALSE(none.largest_feasible_flop);
  EXPECT_FALSE(none.first_infeasible_d_model);
  const Thresholds high = thresholds_of({row(1e24, 0.69)}, 0.7, std::nullopt);
  EXPECT_FALSE(high.linear_scaling_ends_flop);
  EXPECT_EQ(high.largest_feasible_flop, 1e24);
}

TEST(FrontierWalk, KeepsTheFirstRowUnderTheMinimumUtilizationAndEndsThere) {
  FrontierWalk walk;
  EXPECT_TRUE(walk.add(row(1e24, 0.6)));
  EXPECT_FALSE(walk.add(row(1e25, std::nextafter(kFrontierMinUtilization, 0.0))));
  EXPECT_TRUE(walk.ended());
  const Frontier f = walk.finish(0.7);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.thresholds.largest_feasible_flop, 1e25);
  EXPECT_EQ(f.thresholds.linear_scaling_ends_flop, 1e25);
  EXPECT_FALSE(f.thresholds.first_infeasible_d_model);
  FrontierWalk at_minimum;  // the minimum itself goes on
  EXPECT_TRUE(at_minimum.add(row(1e24, kFrontierMinUtilization)));
}

TEST(FrontierWalk, AnInfeasibleWidthEndsItAndIsNotARow) {
  FrontierWalk walk;
  walk.add(row(1e24, 0.69));
  walk.infeasible(24576);
  EXPECT_TRUE(walk.ended());
  EXPECT_EQ(walk.rows().size(), 1u);
  const Thresholds t = walk.thresholds(0.7);
  EXPECT_EQ(t.first_infeasible_d_model, 24576);
  EXPECT_EQ(t.largest_feasible_flop, 1e24);
}

TEST(FrontierWalk, APendingPointEndsItWithoutAVerdict) {
  FrontierWalk walk;
  walk.add(row(1e24, 0.69));
  walk.pending();
  EXPECT_TRUE(walk.ended());
  EXPECT_FALSE(walk.thresholds(0.7).first_infeasible_d_model);
  EXPECT_EQ(walk.thresholds(0.7).largest_feasible_flop, 1e24);
}

TEST(Frontier, ChosenWidths) {
  // One width: golden optimal[0]'s model on its 2048 GPUs; no width was infeasible.
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  FrontierSpec spec;
  spec.widths = {12288};
  const Frontier f = frontier(mc, spec);
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].result.gpus, 2048.0);
  EXPECT_NEAR(f.rows[0].result.evaluation.utilization / 0.6989935821907877, 1, 1e-9);
  EXPECT_FALSE(f.thresholds.first_infeasible_d_model);
  EXPECT_FALSE(f.thresholds.linear_scaling_ends_flop);  // 0.699 > 0.56
}

TEST(Frontier, StopsAtTheFirstInfeasibleWidth) {
  // MODEL.md section 9: d = 212992 is infeasible on H100 SXM; widths after it are not walked.
  const costmodel::Machine mc = costmodel::make_machine(h100_sxm());
  FrontierSpec spec;
  spec.widths = {196608, 212992, 229376};
  const Frontier f = frontier(mc, spec);
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].model.d_model, 196608);  // the largest feasible run of section 9
  EXPECT_EQ(f.thresholds.first_infeasible_d_model, 212992);
}

// Issue 13: laws fed extreme values saturate instead of overflowing (signed overflow and a
// float-to-integer conversion before): the results fail validate_model, as they should.
TEST(Policy, ExtremeLawsSaturate) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  BatchLaw steep;
  steep.policy = BatchPolicy::power;
  steep.exponent = 10;  // closest() gives its largest element, 9 x 2^59, times 2^30 experts
  EXPECT_EQ(batch_for(1e60, std::int64_t{1} << 30, 2048, steep), kMax);
  BatchLaw none;
  none.policy = BatchPolicy::none;
  none.multiplier = 1e300;  // floor(1e300 x 2^22 / 2048) is no int64
  EXPECT_EQ(batch_for(1e24, 1, 2048, none), kMax);
  EXPECT_EQ(ff_for(std::int64_t{1} << 62, 4), std::int64_t{1} << 62);  // 2^64 saturates at 2^62
  EXPECT_EQ(ff_for(12288, 1e300), std::int64_t{1} << 62);
  EXPECT_EQ(ff_for(12288, 4), 49152);  // the paper's d_ff = 4 d, unchanged
}

}  // namespace
// Each vocabulary has one name pair: every value's name reads back as the value, and the names
// are the ones the CLI, the specs and the results files spell (issue 14).
TEST(Vocabulary, NamesReadBack) {
  std::vector<std::string> names;
  for (SearchVariant v : kAllSearchVariants) {
    names.emplace_back(search_variant_name(v));
    EXPECT_EQ(search_variant_from_name(search_variant_name(v)), v);
    SearchOptions o;
    apply_search_variant(v, o);
    EXPECT_EQ(search_variant_of(o.prune_flattened, o.microbatch_candidates), v);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"reference", "exhaustive", "all-microbatches", "corrected"}));
  SearchOptions reference;
  apply_search_variant(SearchVariant::reference, reference);
  EXPECT_EQ(reference, SearchOptions{});  // the default search is the reference's
  SearchOptions corrected;
  apply_search_variant(SearchVariant::corrected, corrected);
  EXPECT_FALSE(corrected.prune_flattened);
  EXPECT_EQ(corrected.microbatch_candidates, 0);
  EXPECT_EQ(search_variant_of(true, 3), std::nullopt);
  EXPECT_EQ(search_variant_from_name("Reference"), std::nullopt);
  for (costmodel::ZbLatency z : costmodel::kAllZbLatencies)
    EXPECT_EQ(costmodel::zb_latency_from_name(costmodel::zb_latency_name(z)), z);
  EXPECT_EQ(costmodel::zb_latency_name(costmodel::ZbLatency::max), "max");
  for (ExpertsPolicy e : {ExpertsPolicy::dense, ExpertsPolicy::width_scaled})
    EXPECT_EQ(experts_policy_from_name(experts_policy_name(e)), e);
  EXPECT_EQ(experts_policy_name(ExpertsPolicy::width_scaled), "sparse");
  EXPECT_EQ(experts_policy_from_name("width-scaled"), ExpertsPolicy::width_scaled);  // the older name
  for (BatchPolicy b :
       {BatchPolicy::default_law, BatchPolicy::deepseek, BatchPolicy::none, BatchPolicy::power})
    EXPECT_EQ(batch_policy_from_name(batch_policy_name(b)), b);
  for (auto c : {ClusterSizes::powers_of_two, ClusterSizes::fill_levels, ClusterSizes::pow2_domains,
                 ClusterSizes::domains})
    EXPECT_EQ(cluster_sizes_from_name(cluster_sizes_name(c)), c);
}

}  // namespace llmsweep::search
