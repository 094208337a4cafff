// Unit tests of the search on the shipped profiles: cluster-size policies for NVLink domains
// that are not a power of two (GB200 NVL72), and the sensitivity of the frontier thresholds.
#include <gtest/gtest.h>

#include <cmath>

#include "config/hardware_config.hpp"
#include "search/cluster.hpp"
#include "search/frontier.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::search {
namespace {

// GB200 NVL72 has one 72-GPU NVLink level (hardware_profiles/gb200-nvl72.toml).
TEST(ClusterSizes, CandidatesForANonPowerOfTwoDomain) {
  const costmodel::Hardware gb200 =
      config::resolve_profile("gb200-nvl72", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  const auto n = [&](int i, ClusterSizes s, std::int64_t e = 1) {
    return static_cast<std::int64_t>(cluster_candidate(gb200, e, i, s));
  };
  EXPECT_EQ(n(6, ClusterSizes::powers_of_two), 64);
  EXPECT_EQ(n(7, ClusterSizes::powers_of_two), 128);  // inadmissible: 128 > 72 and not a multiple
  EXPECT_FALSE(fits_levels(gb200.level_sizes, 128));
  EXPECT_EQ(n(6, ClusterSizes::fill_levels), 64);
  EXPECT_EQ(n(7, ClusterSizes::fill_levels), 144);      // two whole racks
  EXPECT_EQ(n(10, ClusterSizes::fill_levels), 1152);    // 1024 -> 16 racks
  EXPECT_EQ(n(4, ClusterSizes::fill_levels, 16), 288);  // E = 16: 256 -> lcm(72, 16) x 2
  EXPECT_EQ(pow2_domains(gb200).level_sizes, (std::vector<std::int64_t>{64}));
  // Where domains are powers of two every policy is the reference.
  const costmodel::Hardware h100 =
      config::resolve_profile("h100-sxm", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(cluster_candidate(h100, 1, i, ClusterSizes::fill_levels),
              cluster_candidate(h100, 1, i, ClusterSizes::powers_of_two));
  EXPECT_EQ(pow2_domains(h100).level_sizes, h100.level_sizes);
}

// With powers-of-two clusters no GB200 run above one rack is admissible; pow2-domains runs the
// search on 64-GPU domains, the same as a profile whose level size is 64.
TEST(ClusterSizes, Pow2DomainsMakesGb200Usable) {
  costmodel::Hardware gb200 = config::resolve_profile("gb200-nvl72", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  FrontierSpec spec;
  spec.widths = {12288, 16384};
  const Frontier reference = frontier(costmodel::make_machine(gb200), spec);
  EXPECT_TRUE(reference.rows.empty());
  EXPECT_EQ(*reference.thresholds.first_infeasible_d_model, 12288);
  spec.cluster_sizes = ClusterSizes::pow2_domains;
  const Frontier usable = frontier(costmodel::make_machine(gb200), spec);
  ASSERT_EQ(usable.rows.size(), 2u);
  gb200.level_sizes = {64};
  spec.cluster_sizes = ClusterSizes::powers_of_two;
  const Frontier same = frontier(costmodel::make_machine(gb200), spec);
  ASSERT_EQ(same.rows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(usable.rows[i].result.gpus, same.rows[i].result.gpus);
    EXPECT_EQ(usable.rows[i].result.evaluation.run_s, same.rows[i].result.evaluation.run_s);
  }
}

}  // namespace
}  // namespace llmsweep::search

namespace llmsweep::search {
namespace {

TEST(Sensitivity, ScalingOneNumberAtATime) {
  const costmodel::Hardware h100 =
      config::resolve_profile("h100-sxm", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  EXPECT_EQ(scaled(h100, HardwareNumber::nvlink_domain, 2)->level_sizes, (std::vector<std::int64_t>{16}));
  EXPECT_EQ(scaled(h100, HardwareNumber::nvlink_domain, 1.5)->level_sizes, (std::vector<std::int64_t>{12}));
  EXPECT_FALSE(scaled(h100, HardwareNumber::nvlink_domain, 1.3));  // 10.4 GPUs: not a whole number
  EXPECT_EQ(scaled(h100, HardwareNumber::kernel_latency, 0.5)->kernel_latency_s, 2.25e-6);
  EXPECT_EQ(scaled(h100, HardwareNumber::scaleout_bandwidth, 2)->link_bandwidth_Bps,
            (std::vector<double>{9e11, 2e11}));
  EXPECT_EQ(hardware_value(h100, HardwareNumber::flops), costmodel::make_machine(h100).peak_flops);
  const costmodel::Hardware flat =
      config::resolve_profile("h100-sxm-global-nvlink", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  EXPECT_FALSE(scaled(flat, HardwareNumber::nvlink_bandwidth, 2));  // one level: it is the whole network
  EXPECT_FALSE(scaled(flat, HardwareNumber::nvlink_domain, 2));
}

// The latency wall of H100 SXM rests on latency (MODEL.md section 9): shorter kernels move it
// out, more FLOP/s does not; the refined wall lies between the last feasible paper width
// (196608) and the first infeasible one (212992).
TEST(Sensitivity, WhatMovesTheWall) {
  const costmodel::Hardware h100 =
      config::resolve_profile("h100-sxm", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  const Sensitivity s = sensitivity(h100, FrontierSpec{}, {2});
  ASSERT_TRUE(s.baseline.largest_feasible_flop);
  EXPECT_GE(*s.baseline.largest_feasible_flop, *s.baseline.coarse.largest_feasible_flop);
  EXPECT_GE(*s.baseline.largest_feasible_d_model, 196608);
  EXPECT_LT(*s.baseline.largest_feasible_d_model, 212992);
  ASSERT_FALSE(s.rows.empty());
  EXPECT_EQ(s.rows.front().number, HardwareNumber::kernel_latency);  // ranked first
  EXPECT_LT(*s.rows.front().primary().wall_elasticity, -0.5);
  for (const SensitivityRow& r : s.rows)
    if (r.number == HardwareNumber::flops) {
      EXPECT_EQ(*r.primary().wall_elasticity, 0.0);
    }
}

// A regime change: the divided and multiplied sides differ by more than 2x, or point opposite
// ways; tiny pairs on both sides (|e| < 0.05) are no effect, not a regime.
TEST(Sensitivity, RegimeChangeRule) {
  EXPECT_TRUE(regime_change(-3.49, -11.57));  // H100 FLOP/s x/÷ 2 on the end of linear scaling
  EXPECT_FALSE(regime_change(-7.04, -3.85));  // the same at x/÷ 1.25: 1.83x apart
  EXPECT_TRUE(regime_change(0.5, -0.5));
  EXPECT_FALSE(regime_change(0.01, 0.04));
  EXPECT_TRUE(regime_change(0.0, 0.2));
  EXPECT_FALSE(regime_change(std::nullopt, 0.2));
}

// Issue 11: doubling H100's FLOP/s brings the end of linear scaling forward by a factor of about
// 3,000 (1.96e28 -> 6.5e24 FLOP, elasticity about -7.5) because the x2 step crosses into the
// shared-memory-bound regime; the default steps show both steps and flag it.
TEST(Sensitivity, FlopsStepOnH100CrossesARegime) {
  const costmodel::Hardware h100 =
      config::resolve_profile("h100-sxm", LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware;
  const Sensitivity s = sensitivity(h100, FrontierSpec{});
  ASSERT_EQ(s.factors, kDefaultSensitivitySteps);
  const SensitivityRow* flops = nullptr;
  for (const SensitivityRow& r : s.rows)
    if (r.number == HardwareNumber::flops) flops = &r;
  ASSERT_NE(flops, nullptr);
  ASSERT_EQ(flops->steps.size(), 2u);
  const SensitivityStep& x2 = flops->steps[1];
  EXPECT_EQ(x2.factor, 2);
  EXPECT_NEAR(*x2.up.linear_scaling_ends_flop / 6.455e24, 1.0, 1e-3);  // the smallest paper model
  EXPECT_NEAR(*x2.linear_scaling_elasticity, -7.5, 0.1);
  EXPECT_TRUE(x2.linear_scaling_regime_change);
  EXPECT_TRUE(flops->regime_change());
  // The local (x/÷ 1.25) elasticity is smaller in size than the x2 figure.
  EXPECT_LT(std::fabs(*flops->steps[0].linear_scaling_elasticity), std::fabs(*x2.linear_scaling_elasticity));
}

}  // namespace
}  // namespace llmsweep::search
