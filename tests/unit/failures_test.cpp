// Unit tests of the extended model's failure and site terms in the cost model
// (docs/MODEL-EXTENDED.md E5, E6; src/costmodel/failures.cpp, src/costmodel/sites.cpp). Links the
// cost model and nothing else. Every expected number names its source: Epoch AI's article, a
// formula of MODEL-EXTENDED.md worked in the comment, or an independent evaluation of Daly's
// closed form written out in this file.
#include "costmodel/failures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "costmodel/hardware.hpp"
#include "costmodel/model.hpp"
#include "costmodel/sites.hpp"
#include "model_md_hardware.hpp"

namespace llmsweep::costmodel {
namespace {

constexpr double kHour = 3600;

FailureModel storage(double mtbf_hours, double write_Bps, double read_Bps, double restart_s) {
  FailureModel f;
  f.recovery = Recovery::storage;
  f.gpu_mtbf_s = mtbf_hours * kHour;
  f.checkpoint_write_Bps = write_Bps;
  f.checkpoint_read_Bps = read_Bps;
  f.restart_s = restart_s;
  return f;
}

FailureModel peer(double mtbf_hours, double restart_s) {
  FailureModel f;
  f.recovery = Recovery::peer;
  f.gpu_mtbf_s = mtbf_hours * kHour;
  f.restart_s = restart_s;
  return f;
}

// Daly (2006), written out independently of src/: expected wall time of T seconds of compute
// with checkpoints every tau, delta per checkpoint, recovery R, cluster MTBF M.
double daly_wall(double t, double tau, double delta, double r, double m) {
  return m * std::exp(r / m) * std::expm1((tau + delta) / m) * t / tau;
}

TEST(Failures, EpochAnchorsClusterMtbf) {
  // Epoch AI, "Hardware failures won't limit AI scaling": at 50,000 h per GPU, 100,000 GPUs fail
  // every 30 minutes and 1,000,000 every 3 minutes (50,000 h / N).
  const FailureModel f = peer(50000, 0);
  EXPECT_DOUBLE_EQ(failure_times(f, 1e6, 1e5, 1e12, 1e11).cluster_mtbf_s, 30 * 60);
  EXPECT_DOUBLE_EQ(failure_times(f, 1e6, 1e6, 1e12, 1e11).cluster_mtbf_s, 3 * 60);
}

TEST(Failures, IntervalSolvesItsEquation) {
  // The optimum x of (e^{x+d} - 1)/x satisfies -ln(1 - x) - x = d (MODEL-EXTENDED.md E5).
  for (double d : {1e-14, 1e-9, 1e-6, 1e-3, 0.05, 0.5, 3.0, 20.0}) {
    const double x = optimal_interval_fraction(d);
    ASSERT_GT(x, 0);
    ASSERT_LT(x, 1);
    // -ln(1 - x) - x, by its series x^2/2 + x^3/3 + ... where the closed form cancels.
    const double phi = x < 1e-3 ? x * x * (0.5 + x * (1.0 / 3 + x * (0.25 + x / 5))) : -std::log1p(-x) - x;
    // At d = 20, 1 - x = e^{-21} = 7.6e-10 carries only 7 digits in a double near 1.
    EXPECT_NEAR(phi / d, 1, d > 10 ? 1e-7 : 1e-9) << "d = " << d;
  }
  EXPECT_EQ(optimal_interval_fraction(0), 0);
  // Past d of about 36, 1 - x = e^{-(1 + d)} is below a double's resolution: x rounds to 1 (tau = M).
  EXPECT_EQ(optimal_interval_fraction(50), 1);
}

TEST(Failures, IntervalIsYoungAndDalyForCheapCheckpoints) {
  // Young (1974): tau = sqrt(2 delta M) to first order. M = 1e6 s, delta = 1 s: 1414.2 s.
  EXPECT_NEAR(optimal_checkpoint_interval_s(1e6, 1) / std::sqrt(2e6), 1, 1e-3);
  // Daly (2006) eq. 37: sqrt(2 delta M)(1 + sqrt(delta/2M)/3 + delta/(18 M)) - delta, the series of
  // the same optimum: 3.4e-7 apart at delta/M = 1e-3 and 1.1e-5 at 1e-2 (worked numerically).
  for (auto [ratio, tolerance] : {std::pair{1e-3, 1e-6}, std::pair{1e-2, 2e-5}}) {
    const double m = 1e5, delta = ratio * m;
    const double daly =
        std::sqrt(2 * delta * m) * (1 + std::sqrt(delta / (2 * m)) / 3 + delta / (18 * m)) - delta;
    EXPECT_NEAR(optimal_checkpoint_interval_s(m, delta) / daly, 1, tolerance);
  }
}

TEST(Failures, StorageTermsAddUpToDalysWallAndTheIntervalIsOptimal) {
  // 1,000 GPUs at 50,000 h: M = 180,000 s. A 1e12-byte state: delta = 1e12 / 1e9 = 1,000 s,
  // restore = 1e12 / 2e9 = 500 s, R = 100 + 500 = 600 s. Ten years of compute (3.154e8 s).
  const FailureModel f = storage(50000, 1e9, 2e9, 100);
  const double t = 3.154e8;
  const FailureTimes ft = failure_times(f, t, 1000, 1e12, 0);
  EXPECT_DOUBLE_EQ(ft.cluster_mtbf_s, 180000);
  EXPECT_DOUBLE_EQ(ft.checkpoint_write_s, 1000);
  EXPECT_DOUBLE_EQ(ft.restore_s, 500);
  EXPECT_DOUBLE_EQ(ft.recovery_s, 600);
  EXPECT_NEAR(ft.overhead_s, ft.checkpoint_s + ft.lost_work_s + ft.restart_s, 1e-9 * ft.overhead_s);
  EXPECT_DOUBLE_EQ(ft.wall_s, t + ft.overhead_s);
  const double expected = daly_wall(t, ft.interval_s, 1000, 600, 180000);
  EXPECT_NEAR(ft.wall_s / expected, 1, 1e-12);
  EXPECT_NEAR(ft.checkpoint_s, t / ft.interval_s * 1000, 1e-9 * ft.checkpoint_s);
  // Optimal: a 1% shorter or longer interval is slower (Daly's formula, not ours).
  EXPECT_LT(expected, daly_wall(t, ft.interval_s * 0.99, 1000, 600, 180000));
  EXPECT_LT(expected, daly_wall(t, ft.interval_s * 1.01, 1000, 600, 180000));
  // Expected failures: the wall time over M to first order (each failure also costs its R).
  EXPECT_NEAR(ft.failures / (ft.wall_s / 180000), 1, 0.01);
}

TEST(Failures, PeerCopiesCrossEachGpusOwnLink) {
  // 1e13 bytes over 1e4 GPUs: 1e9 bytes each, one way at half of 1e11 B/s: 0.02 s; restored the same way.
  const FailureTimes ft = failure_times(peer(50000, 30), 1e7, 1e4, 1e13, 1e11);
  EXPECT_DOUBLE_EQ(ft.checkpoint_write_s, 0.02);
  EXPECT_DOUBLE_EQ(ft.restore_s, 0.02);
  EXPECT_DOUBLE_EQ(ft.recovery_s, 30.02);
}

TEST(Failures, OffMeansNoOverhead) {
  const FailureTimes ft = failure_times(FailureModel{}, 1e7, 1e6, 1e13, 1e11);
  EXPECT_EQ(ft.wall_s, 1e7);
  EXPECT_EQ(ft.overhead_s, 0);
  EXPECT_TRUE(std::isinf(ft.cluster_mtbf_s));
  EXPECT_EQ(failure_slowdown(FailureModel{}, 1e6, 1e13, 1e11), 1);
  EXPECT_TRUE(std::isinf(failure_cap_gpus(FailureModel{}, 1e13, 1e11)));
}

TEST(Failures, AnOverheadPastDoublesIsInfinite) {
  // 1e8 GPUs fail every 1.8 s; a 1e15-byte checkpoint at 1e9 B/s takes 1e6 s: never finishes.
  const FailureTimes ft = failure_times(storage(50000, 1e9, 1e9, 600), 1e7, 1e8, 1e15, 0);
  EXPECT_TRUE(std::isinf(ft.wall_s));
}

TEST(Failures, LongRunSlowdownIsTheWallPerComputeSecond) {
  const FailureModel f = storage(50000, 2e12, 7e12, 600);
  const FailureTimes ft = failure_times(f, 1e9, 1e5, 1.3e14, 0);
  EXPECT_NEAR(failure_slowdown(f, 1e5, 1.3e14, 0), ft.wall_s / 1e9, 1e-9);
}

TEST(Failures, PeerCapWithFreeCheckpointsIsMtbfOverRestart) {
  // delta = 0 (infinite link): slowdown = e^{N R / m}, so slowdown / N is least at N = m / R.
  // 50,000 h = 1.8e8 s per GPU, R = 600 s: 300,000 GPUs.
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_NEAR(failure_cap_gpus(peer(50000, 600), 1e13, inf) / 3e5, 1, 1e-6);
  EXPECT_NEAR(failure_cap_gpus(peer(50000, 10), 1e13, inf) / 1.8e7, 1, 1e-6);
}

TEST(Failures, StorageCapIsTheMinimumOfTheWallOverClusterSizes) {
  // Brute force on a fine grid of N: the cap is where slowdown(N) / N is least.
  const FailureModel f = storage(50000, 2e12, 7e12, 600);
  const double state = 1.3e14;  // 13e12 parameters x 10 bytes (5 P w, bf16)
  double best_n = 0, best = std::numeric_limits<double>::infinity();
  for (double n = 1e3; n < 1e8; n *= 1.001) {
    const double v = failure_slowdown(f, n, state, 0) / n;
    if (v < best) best = v, best_n = n;
  }
  EXPECT_NEAR(failure_cap_gpus(f, state, 0) / best_n, 1, 2e-3);
  // Faster storage lifts the cap; a longer restart lowers it.
  EXPECT_GT(failure_cap_gpus(storage(50000, 2e13, 7e13, 600), state, 0), failure_cap_gpus(f, state, 0));
  EXPECT_LT(failure_cap_gpus(storage(50000, 2e12, 7e12, 6000), state, 0), failure_cap_gpus(f, state, 0));
}

TEST(Failures, EpochStorageCapsTheClusterPeerRecoveryDoesNot) {
  // Epoch AI, "Hardware failures won't limit AI scaling": with checkpoints to storage at a fixed
  // bandwidth failures cap the useful cluster size; with the state recovered from peers' memory
  // they do not. llmsweep's inputs: 50,000 h per GPU (Epoch's), 2 TB/s write and 7 TB/s read for
  // the whole cluster, H100 SXM's 100 GB/s scale-out link per GPU, no fixed restart time, the
  // state of a 2.2e13-parameter model (d_model 65536 under the paper's laws) at 5 P w, bf16.
  // The swept range: the frontier's cluster sizes up to 2^30 GPUs.
  const double state = 2.2e14, link = 1e11, range = std::ldexp(1.0, 30);
  const double storage_cap = failure_cap_gpus(storage(50000, 2e12, 7e12, 0), state, link);
  const double peer_cap = failure_cap_gpus(peer(50000, 0), state, link);
  // A checkpoint takes delta = 2.2e14 / 2e12 = 110 s whatever N; failures come every 1.8e8 s / N,
  // so the wall time per unit of work explodes once N delta / 1.8e8 nears 1: N of order 1e6.
  EXPECT_GT(storage_cap, 1e5);
  EXPECT_LT(storage_cap, 1e7);
  EXPECT_LT(storage_cap, range);
  // Peers: each GPU sends its share of the state over its own link, state / (N link): the
  // checkpoint and the recovery shrink as 1 / N as fast as failures grow, so no cap in range.
  EXPECT_GT(peer_cap, range);
  // A storage run past its cap is slower than one at the cap (that is what the cap means);
  // a peer run keeps getting faster across the range.
  const auto wall = [&](const FailureModel& f, double n) { return failure_slowdown(f, n, state, link) / n; };
  EXPECT_GT(wall(storage(50000, 2e12, 7e12, 0), 4 * storage_cap),
            wall(storage(50000, 2e12, 7e12, 0), storage_cap));
  EXPECT_LT(wall(peer(50000, 0), range), wall(peer(50000, 0), range / 2));
}

TEST(Failures, CheckpointHoldsParametersAndOptimizerState) {
  // MODEL.md section 4's memory model: P w over DP plus 4 P w; unique state 5 P w.
  Model m;
  m.d_model = 12288;
  m.d_ff = 49152;
  m.layers = 192;
  m.batch_seqs = 1;
  m.seq_len = 2048;
  EXPECT_DOUBLE_EQ(checkpoint_bytes(m, 2), 5 * m.params() * 2);
}

TEST(Failures, BadInputNamesTheField) {
  FailureModel f = storage(-50000, 1e12, 1e12, 600);
  ASSERT_TRUE(check_failure_model(f));
  EXPECT_EQ(check_failure_model(f)->field, "mtbf");
  f = storage(50000, 1e12, 1e12, -1);
  EXPECT_EQ(check_failure_model(f)->field, "restart");
  f = storage(50000, 0, 1e12, 1);
  EXPECT_EQ(check_failure_model(f)->field, "checkpoint_write");
  EXPECT_FALSE(check_failure_model(peer(50000, 1)));  // peers need no storage bandwidth
  EXPECT_EQ(recovery_from_name("peer"), Recovery::peer);
  EXPECT_FALSE(recovery_from_name("disk"));
}

TEST(Sites, SiteLevelGoesOnTopOfEachSitesOwnNetwork) {
  const Hardware h100 = test::model_md_h100_sxm();  // levels (8), 900 and 100 GB/s
  SiteLevel s;
  s.count = 4;
  s.bandwidth_Bps = 1e9;
  s.latency_s = 0.025;
  Hardware h = with_site_level(h100, s, 64);  // 64 GPUs per site: 8 nodes of 8
  EXPECT_EQ(h.level_sizes, (std::vector<std::int64_t>{8, 8}));
  EXPECT_EQ(h.link_bandwidth_Bps, (std::vector<double>{9e11, 1e11, 1e9}));
  EXPECT_EQ(h.link_latency_s.back(), 0.025);
  h = with_site_level(h100, s, 4);  // a site smaller than a node: its scale-out level holds 1
  EXPECT_EQ(h.level_sizes, (std::vector<std::int64_t>{4, 1}));
  Hardware superpod = h100;
  superpod.level_sizes = {8, 32};
  superpod.link_bandwidth_Bps = {9e11, 4.5e11, 1e11};
  superpod.link_latency_s = {1.125e-6, 1.125e-6, 1.125e-6};
  EXPECT_EQ(with_site_level(superpod, s, 128).level_sizes, (std::vector<std::int64_t>{8, 16, 1}));
  EXPECT_EQ(with_site_level(superpod, s, 1024).level_sizes, (std::vector<std::int64_t>{8, 32, 4}));
}

TEST(Sites, OnlyTheCrossingKindsMayCrossSites) {
  EXPECT_TRUE(crosses_sites(SiteCrossing::dp, Kind::dp));
  EXPECT_FALSE(crosses_sites(SiteCrossing::dp, Kind::pp));
  EXPECT_TRUE(crosses_sites(SiteCrossing::dp_pp, Kind::pp));
  EXPECT_FALSE(crosses_sites(SiteCrossing::dp_pp, Kind::tp_model));
  EXPECT_FALSE(crosses_sites(SiteCrossing::dp_pp, Kind::ep));
  EXPECT_EQ(site_crossing_from_name("dp-pp"), SiteCrossing::dp_pp);
}

TEST(Sites, ASiteLevelBelowTheScaleOutLevelIsRefused) {
  const Hardware h100 = test::model_md_h100_sxm();
  SiteLevel s;
  s.count = 8;
  s.bandwidth_Bps = 2e11;  // above the 100 GB/s scale-out level
  s.latency_s = 0.025;
  ASSERT_TRUE(check_site_level(h100, s));
  EXPECT_EQ(check_site_level(h100, s)->field, "bandwidth");
  s.bandwidth_Bps = 1e9;
  s.latency_s = 1e-7;  // below the 1.125 us scale-out hop
  EXPECT_EQ(check_site_level(h100, s)->field, "latency");
  s.latency_s = 0.025;
  EXPECT_FALSE(check_site_level(h100, s));
  s.count = 0;
  EXPECT_EQ(check_site_level(h100, s)->field, "count");
  Hardware deep = h100;  // 6 levels already: no room for a seventh
  deep.level_sizes = {2, 2, 2, 2, 2};
  deep.link_bandwidth_Bps.assign(6, 1e11);
  deep.link_latency_s.assign(6, 1e-6);
  s.count = 2;
  EXPECT_EQ(check_site_level(deep, s)->field, "count");
}

}  // namespace
}  // namespace llmsweep::costmodel
