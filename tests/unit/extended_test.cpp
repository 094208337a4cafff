// Unit tests of the extended model's terms (docs/MODEL-EXTENDED.md) on hand-built profiles: each
// expected number is worked out by hand in the comment beside it from the formulas of that
// document, and every term is off under `reference` and where a profile does not ask for it.
#include <gtest/gtest.h>

#include <cmath>

#include "costmodel/evaluate.hpp"
#include "costmodel/matmul.hpp"
#include "costmodel/torus.hpp"
#include "model_md_hardware.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"

namespace llmsweep::costmodel {
namespace {

constexpr ModelKind kRef = ModelKind::reference;
constexpr ModelKind kExt = ModelKind::extended;

Options extended() {
  Options o;
  o.model_kind = kExt;
  return o;
}

// ---- E1: tensor memory and CTA-pair MMAs ------------------------------------------------

// Without tensor memory the extended matmul is the reference's, bit for bit; with it, only the
// innermost (shared memory -> tensor core) traffic changes, never for the worse, and the
// reference ignores it.
TEST(BlackwellMatmul, OnlyProfilesWithTensorMemoryChange) {
  // Twice Hopper's tensor rate (as Blackwell, hardware_profiles/b200-hgx.toml), so that the
  // shared-memory term binds and the tensor memory can show.
  Hardware fast = test::model_md_h100_sxm();
  fast.flop_per_clock_per_thread = 64;
  const Machine hopper = make_machine(fast);
  Hardware tm = fast;
  tm.tensor_memory_bytes = 256 * 1024;
  tm.cta_pair_mma = true;
  const Machine blackwell = make_machine(tm);
  int differ = 0;
  for (std::int64_t n : {128, 1024, 4096, 8192, 30000})
    for (bool wgrad : {false, true}) {
      EXPECT_EQ(matmul_time(hopper, n, n, n, wgrad, kExt), matmul_time(hopper, n, n, n, wgrad, kRef));
      EXPECT_EQ(matmul_time(blackwell, n, n, n, wgrad, kRef), matmul_time(hopper, n, n, n, wgrad, kRef));
      EXPECT_LE(matmul_time(blackwell, n, n, n, wgrad, kExt), matmul_time(blackwell, n, n, n, wgrad, kRef));
      differ += matmul_time(blackwell, n, n, n, wgrad, kExt) != matmul_time(blackwell, n, n, n, wgrad, kRef);
    }
  EXPECT_GT(differ, 0);
}

// The innermost level by hand, H100 SXM numbers with 256 KiB tensor memory per SM and CTA pairs:
// d1 = d2 = b = 8192, forward. Registers (reference): R = 49152 B per block, 528 blocks; tensor
// memory: 0.75 x 2 x 262144 = 393216 B per pair, 66 pairs. traffic() with cap 393216 and k = 66
// on W = 8192^2 x 2 = 134217728 B (does not fit: 2W > cap x k = 25952256): x = W + Rb AR +
// (2 Cb - 1) AL with tile(8192, 8192, 393216): q = ceil(134217728 / 393216) = 342,
// a = 8192^2 / 342, tm = sqrt(a) = 442.97..., rows = cols = 8192 / tm = 18.493...; AL = AR = W.
TEST(BlackwellMatmul, InnermostTrafficByHand) {
  Hardware hw = test::model_md_h100_sxm();
  hw.tensor_memory_bytes = 262144;
  hw.cta_pair_mma = true;
  const Machine mc = make_machine(hw);
  const double w_bytes = 8192.0 * 8192.0 * 2;
  const double q = std::ceil(w_bytes / 393216.0);
  ASSERT_EQ(q, 342);
  const double side = 8192.0 / std::sqrt(8192.0 * 8192.0 / q);
  const double x = w_bytes + side * w_bytes + (2 * side - 1) * w_bytes;
  const Traffic t = traffic(mc, 8192, 8192, 8192, 0.75 * 2 * 262144, 132 / 2, false, false);
  EXPECT_NEAR(t.between_levels_bytes / x, 1.0, 1e-12);
  // In the matmul, that term replaces the register-level one: time = max(..., (h + y + r) / beta_s).
  const Traffic l2 = traffic(mc, 8192, 8192, 8192, 4 * mc.reg_bytes, 132, true, false);
  const double smem = (l2.between_levels_bytes + l2.sm_network_bytes + x) / mc.smem_Bps;
  const double flop = 2.0 * 8192 * 8192 * 8192 / mc.flops;
  EXPECT_NEAR(matmul_time(mc, 8192, 8192, 8192, false, kExt) / (std::max(smem, flop) + hw.kernel_latency_s),
              1.0, 1e-12);
}

// ---- E4: systolic engines ----------------------------------------------------------------

Hardware systolic() {
  Hardware hw = test::model_md_h100_sxm();
  hw.name = "systolic";
  hw.engine = MatmulEngine::systolic;
  hw.sms = 0;
  hw.flop_per_clock_per_thread = 0;
  hw.systolic_peak_flops = 1e15;
  hw.utilization_cap = 0.5;
  hw.hbm_bandwidth_Bps = 1e12;
  hw.onchip_memory_bytes = 64 * 1048576.0;
  hw.systolic_array_dim = 128;
  hw.kernel_latency_s = 0;
  return hw;
}

TEST(SystolicMatmul, ByHand) {
  const Hardware hw = systolic();
  EXPECT_EQ(check_hardware(hw), std::nullopt);
  EXPECT_FALSE(extended_requirement(hw).empty());
  const Machine mc = make_machine(hw);
  EXPECT_EQ(mc.peak_flops, 1e15);
  EXPECT_EQ(mc.flops, 5e14);
  // 256 x 256 x 256 forward: the 131072-byte weights fit in 0.75 x 64 MiB, one tile, so HBM moves
  // AR + AL = 2 x 256 x 256 x 2 = 262144 B in 2.62144e-7 s; compute 2 x 256^3 / 5e14 = 6.7e-8 s.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 256, 256, 256, false, kExt), 262144 / 1e12);
  // 100 x 100 x 4096: weight dimensions pad to 128, tokens to 8: 2 x 128 x 128 x 4096 / 5e14 =
  // 2.68435456e-7 s against HBM 2 x (100 x 4096 x 2) / 1e12 = 1.6384e-6 s.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 100, 100, 4096, false, kExt), 2 * 100 * 4096 * 2 / 1e12);
  // Compute-bound: 8192 x 8192 x 100 (b pads to 104): weights 2 x 8192^2 x 2 B = 268 MB do not fit,
  // so HBM moves W + tiles... the flop term 2 x 8192^2 x 104 / 5e14 = 2.79e-5 s must be the floor.
  EXPECT_GE(matmul_time(mc, 8192, 8192, 100, false, kExt), 2.0 * 8192 * 8192 * 104 / 5e14);
}

// ---- E3: torus levels -----------------------------------------------------------------------

// A 4 x 4 x 4 torus of 64 GPUs below a switched top level. Per-GPU bidirectional bandwidth
// 1.2e12 B/s over 3 dimensions x 2 links x 2 directions: 1e11 B/s one way per link; 1 us a hop.
Hardware torus_profile() {
  Hardware hw = test::model_md_h100_sxm();
  hw.name = "torus";
  hw.level_sizes = {64};
  hw.link_bandwidth_Bps = {1.2e12, 1e11};
  hw.link_latency_s = {1e-6, 2e-6};
  hw.topology = {Topology::switched, Topology::switched};
  hw.topology[0] = Topology::torus;
  hw.torus_dims = {4, 4, 4};
  return hw;
}

Model one_layer_model() {
  Model m;
  m.d_model = 1024;
  m.d_ff = 4096;
  m.layers = 1;  // no pipeline or expert crossings (MODEL.md section 5)
  m.experts = 1;
  m.batch_seqs = 64;
  m.seq_len = 1024;
  return m;
}

Plan level0(std::int64_t dp, std::int64_t tpm, std::int64_t tpf) {
  Plan p;
  p.levels = 2;
  p.at(Kind::dp, 0) = dp;
  p.at(Kind::tp_model, 0) = tpm;
  p.at(Kind::tp_ff, 0) = tpf;
  p.microbatches = 1;
  return p;
}

TEST(Torus, PlacementFillsDimensionsInOrder) {
  const Hardware hw = torus_profile();
  EXPECT_EQ(check_hardware(hw), std::nullopt);
  const auto g = place_on_torus(hw, level0(4, 4, 4), 0);
  // TPm takes dimension 0, TPf dimension 1, DP dimension 2.
  EXPECT_EQ(g[static_cast<int>(Kind::tp_model)].extent, (std::array<std::int64_t, 3>{4, 1, 1}));
  EXPECT_EQ(g[static_cast<int>(Kind::tp_ff)].extent, (std::array<std::int64_t, 3>{1, 4, 1}));
  EXPECT_EQ(g[static_cast<int>(Kind::dp)].extent, (std::array<std::int64_t, 3>{1, 1, 4}));
  const auto d16 = place_on_torus(hw, level0(16, 4, 1), 0)[static_cast<int>(Kind::dp)];
  EXPECT_EQ(d16.extent, (std::array<std::int64_t, 3>{1, 4, 4}));
  EXPECT_EQ(d16.dims_spanned(), 2);
  EXPECT_EQ(d16.ring_steps(), 6);
  // A degree the dimensions left cannot hold (3 on a 4 x 4 x 4 torus) snakes: one ring.
  const auto snake = place_on_torus(hw, level0(1, 3, 1), 0)[static_cast<int>(Kind::tp_model)];
  EXPECT_TRUE(snake.snake);
  EXPECT_EQ(snake.dims_spanned(), 1);
  EXPECT_EQ(snake.ring_steps(), 2);
}

TEST(Torus, AllReducesAsRingsByHand) {
  const Hardware hw = torus_profile();
  const Machine mc = make_machine(hw);
  const Model m = one_layer_model();
  const Plan p = level0(16, 4, 1);  // N = 64, all on the torus
  const NetworkTimes net = network_times(mc, m, p, 64, extended());
  const double w = 2;
  const double params = m.params();
  // DP 16 over dimensions 1 and 2: 2 x 2 links x 1e11 B/s one way; 2 x (3 + 3) = 12 hops.
  // Pooled as in MODEL.md section 3: 2 (p - 1) words w / (N x one-way).
  EXPECT_DOUBLE_EQ(net.dp_comm_s, 2.0 * 15 * params * w / (64 * 4e11));
  EXPECT_DOUBLE_EQ(net.dp_latency_s, 12 * 1e-6);
  // TPm 4 along dimension 0: 2 links, 2 x 3 = 6 hops per all-reduce, s = 2L = 2 all-reduces,
  // q = B x S = 65536 tokens of d_ff words.
  EXPECT_DOUBLE_EQ(net.tp_comm_s, 2.0 * 3 * 4096 * 2 * 65536 * w / (64 * 2e11));
  EXPECT_DOUBLE_EQ(net.tp_latency_s, 6 * 2 * 1e-6);
  // The reference sees a switched level: one-way 6e11 B/s and 2 hops per all-reduce.
  const NetworkTimes ref = network_times(mc, m, p, 64);
  EXPECT_DOUBLE_EQ(ref.dp_comm_s, 2.0 * 15 * params * w / (64 * 6e11));
  EXPECT_DOUBLE_EQ(ref.dp_latency_s, 2 * 1e-6);
}

// Pipeline neighbours on the torus use one link and one hop; experts all-to-all the group's
// links over the mean distance, and wait for the diameter.
TEST(Torus, PipelineAndExpertCrossingsByHand) {
  const Hardware hw = torus_profile();
  const Machine mc = make_machine(hw);
  Model m = one_layer_model();
  m.layers = 5;
  Plan pp = level0(1, 1, 1);
  pp.at(Kind::pp, 0) = 4;  // dimension 0 (TPm, TPf and EP take nothing)
  pp.at(Kind::dp, 0) = 16;
  pp.interleave = 1;
  pp.microbatches = 4;
  // Section 5, top_pp = 0, L = 5: a = -1 gives n = L - v PP = 1 (no level), a = 0 gives n = 3, so
  // fp = 3/4, s = 2 (L - 1) fp = 6 crossings of d words for q = 65536 tokens at level 0.
  const NetworkTimes net = network_times(mc, m, pp, 64, extended());
  EXPECT_DOUBLE_EQ(net.pp_ep_comm_s, 1024.0 * 6 * 65536 * 2 / (64 * 1e11));
  EXPECT_DOUBLE_EQ(net.pp_ep_latency_s, 6 * 1e-6);
  // EP 4 along dimension 0: mean distance on a ring of 4 is (0 + 1 + 2 + 1) / 4 = 1, among
  // distinct nodes 4/3; 2 links x 1e11 / (4/3) = 1.5e11 B/s; diameter 2 hops. fe = 1 - 1/4.
  Plan ep = level0(16, 1, 1);
  ep.at(Kind::ep, 0) = 4;
  Model sparse = m;
  sparse.layers = 2;
  sparse.experts = 4;
  const NetworkTimes e = network_times(mc, sparse, ep, 64, extended());
  // Pairs (a = -1, e = -1): no level; (a = -1, e = 0): fp = n / (L - 1) = (2 - 1) / 1 = 1,
  // fe = 1 - 1/4 = 0.75, s = 2 x 1 x 0.75 = 1.5 at the all-to-all rate. Latency pass fe = 1:
  // s = 2 messages of 2 hops x 1e-6 s.
  EXPECT_DOUBLE_EQ(e.pp_ep_comm_s, 1024.0 * 1.5 * 65536 * 2 / (64 * 1.5e11));
  EXPECT_DOUBLE_EQ(e.pp_ep_latency_s, 2 * 1.0 * 2e-6);
}

TEST(Torus, ReferenceRefusesItAndChecksCatchBadTori) {
  const Hardware hw = torus_profile();
  EXPECT_NE(extended_requirement(hw), "");
  const Machine mc = make_machine(hw);
  Model m = one_layer_model();
  search::SearchOptions ref;
  EXPECT_EQ(search::best_plan(mc, m, 64, ref).status, Status::needs_extended);
  search::SearchOptions ext;
  ext.model.model_kind = kExt;
  EXPECT_TRUE(search::best_plan(mc, m, 64, ext).found());
  Hardware bad = hw;
  bad.torus_dims = {4, 4};
  EXPECT_EQ(check_hardware(bad)->field, "torus_dims");  // 16, not the level's 64
  bad = hw;
  bad.topology = {Topology::switched, Topology::torus};
  EXPECT_EQ(check_hardware(bad)->field, "topology");  // the top level is unbounded
  bad = hw;
  bad.torus_dims = {};
  EXPECT_EQ(check_hardware(bad)->field, "torus_dims");
}

}  // namespace
}  // namespace llmsweep::costmodel
