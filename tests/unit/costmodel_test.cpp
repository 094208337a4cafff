// Unit tests of the cost model (MODEL.md sections 1 to 5). Profiles are built by hand from the
// tables of MODEL.md section 1 so that this test links the cost model and nothing else.
// Every expected number names its source: a MODEL.md section, the golden file, or a formula
// worked by hand in the comment next to it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "costmodel/evaluate.hpp"
#include "costmodel/hardware.hpp"
#include "costmodel/matmul.hpp"
#include "costmodel/model.hpp"
#include "costmodel/options.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/status.hpp"
#include "model_md_hardware.hpp"

namespace llmsweep::costmodel {
namespace {

// MODEL.md section 1, H100 SXM column.
Hardware h100_sxm() {
  return test::model_md_h100_sxm();
}

// MODEL.md section 1, H100 PCIe row (everything else as the four GPUs share).
Hardware h100_pcie() {
  Hardware hw = h100_sxm();
  hw.name = "H100 PCIe";
  hw.sms = 114;
  hw.l2_bandwidth_Bps = 5563e9;
  hw.hbm_bandwidth_Bps = 2039e9;
  hw.max_clock_hz = 1620e6;
  hw.utilization_cap = 0.55;
  return hw;
}

// MODEL.md section 1, V100 SXM row.
Hardware v100_sxm() {
  Hardware hw = h100_sxm();
  hw.name = "V100 SXM";
  hw.flop_per_clock_per_thread = 8;
  hw.sms = 80;
  hw.l2_bandwidth_Bps = 2155e9;
  hw.l2_bytes = 6 * 1048576.0;
  hw.hbm_bandwidth_Bps = 900e9;
  hw.max_clock_hz = 1533e6;
  hw.utilization_cap = 0.90;
  hw.dsmem = false;
  hw.memory_bytes = 3.2e10;
  hw.link_bandwidth_Bps = {3e11, 1.25e10};
  return hw;
}

// MODEL.md section 1, A100 SXM row.
Hardware a100_sxm() {
  Hardware hw = h100_sxm();
  hw.name = "A100 SXM";
  hw.flop_per_clock_per_thread = 16;
  hw.sms = 108;
  hw.l2_bandwidth_Bps = 5603e9;
  hw.l2_bytes = 40 * 1048576.0;
  hw.hbm_bandwidth_Bps = 1555e9;
  hw.max_clock_hz = 1410e6;
  hw.utilization_cap = 0.85;
  hw.dsmem = false;
  hw.memory_bytes = 4e10;
  hw.link_bandwidth_Bps = {6e11, 5e10};
  return hw;
}

// A made-up GPU on which every matmul is compute-bound: F = 1e-3 * 128 * 1 * 1e9 = 1.28e8 FLOP/s
// while memory moves at 1e15 B/s (HBM, L2) and beta_s = 128 * 1 * 1e9 = 1.28e11 B/s, and no
// kernel latency, so matmul_time is exactly padded FLOP / F for small shapes.
Hardware compute_bound() {
  Hardware hw = h100_sxm();
  hw.name = "compute-bound";
  hw.flop_per_clock_per_thread = 1e-3;
  hw.sms = 1;
  hw.l2_bandwidth_Bps = 1e15;
  hw.hbm_bandwidth_Bps = 1e15;
  hw.max_clock_hz = 1e9;
  hw.utilization_cap = 1.0;
  hw.dsmem = false;
  hw.kernel_latency_s = 0;
  return hw;
}

Model model(std::int64_t d, std::int64_t f, std::int64_t layers, std::int64_t experts, std::int64_t batch,
            std::int64_t seq) {
  Model m;
  m.d_model = d;
  m.d_ff = f;
  m.layers = layers;
  m.experts = experts;
  m.batch_seqs = batch;
  m.seq_len = seq;
  return m;
}

// Two-level plan from per-kind level lists {level 0, level 1}.
Plan plan2(LevelDegrees dp, LevelDegrees tpm, LevelDegrees tpf, LevelDegrees pp, LevelDegrees ep,
           std::int64_t microbatches, std::int64_t interleave) {
  Plan p;
  p.levels = 2;
  p.degree[static_cast<int>(Kind::dp)] = dp;
  p.degree[static_cast<int>(Kind::tp_model)] = tpm;
  p.degree[static_cast<int>(Kind::tp_ff)] = tpf;
  p.degree[static_cast<int>(Kind::pp)] = pp;
  p.degree[static_cast<int>(Kind::ep)] = ep;
  p.microbatches = microbatches;
  p.interleave = interleave;
  return p;
}

LevelDegrees lv(std::int64_t l0, std::int64_t l1) {
  return {l0, l1, 1, 1, 1, 1};
}

// ---- section 1: derived quantities --------------------------------------------------

TEST(Machine, DerivedQuantitiesOfH100Sxm) {
  const Machine mc = make_machine(h100_sxm());
  EXPECT_DOUBLE_EQ(mc.word_bytes, 2.0);           // w = 16 / 8
  EXPECT_DOUBLE_EQ(mc.reg_bytes, 49152.0);        // R = 0.75 * 65536
  EXPECT_DOUBLE_EQ(mc.l2_cap_bytes, 39321600.0);  // L2 = 0.75 * 50 * 2^20
  EXPECT_DOUBLE_EQ(mc.clock_hz, 1.281e9);         // 1830e6 * 0.70
  EXPECT_DOUBLE_EQ(mc.smem_Bps, 2.1643776e13);    // 128 * 132 * 1.281e9
  EXPECT_DOUBLE_EQ(mc.flops, 6.92600832e14);      // 32 * 128 * 132 * 1.281e9
  EXPECT_DOUBLE_EQ(mc.peak_flops, 9.8942976e14);  // 32 * 128 * 132 * 1.83e9
}

TEST(Machine, FlattenSumsBandwidthAndTakesSmallestLatency) {
  // MODEL.md section 6 step 6: one level, bandwidth sum over levels, latency the minimum.
  Hardware hw = h100_sxm();
  hw.level_sizes = {8, 32};
  hw.link_bandwidth_Bps = {9e11, 4.5e11, 1e11};
  hw.link_latency_s = {2e-6, 0.5e-6, 1e-6};
  const Hardware flat = flatten(hw);
  EXPECT_TRUE(flat.level_sizes.empty());
  ASSERT_EQ(flat.levels(), 1);
  EXPECT_DOUBLE_EQ(flat.link_bandwidth_Bps[0], 1.45e12);  // 9e11 + 4.5e11 + 1e11
  EXPECT_DOUBLE_EQ(flat.link_latency_s[0], 0.5e-6);
  EXPECT_EQ(flat.sms, hw.sms);  // only the network changes
}

TEST(Machine, ValidateHardwareNamesTheBadField) {
  EXPECT_EQ(validate_hardware(h100_sxm()), "");
  Hardware hw = h100_sxm();
  hw.link_bandwidth_Bps = {9e11};  // one entry for two levels (level_sizes (8) + 1)
  EXPECT_NE(validate_hardware(hw).find("link_bandwidth"), std::string::npos);
  EXPECT_EQ(check_hardware(hw)->field, "link_bandwidth");
  hw = h100_sxm();
  hw.link_latency_s = {1e-6, 1e-6, 1e-6};
  EXPECT_NE(validate_hardware(hw).find("link_latency"), std::string::npos);
  hw = h100_sxm();
  hw.utilization_cap = 1.5;
  EXPECT_NE(validate_hardware(hw).find("utilization_cap"), std::string::npos);
  hw = h100_sxm();
  hw.sms = 0;
  EXPECT_NE(validate_hardware(hw).find("sms"), std::string::npos);
}

// ---- section 2: tile ----------------------------------------------------------------

TEST(Tile, FitsInOneTile) {
  // 8 x 8 x 2 B = 128 B <= 1e6 B: q = 1, one tile.
  const Tiling t = tile(8, 8, 1e6, 2);
  EXPECT_DOUBLE_EQ(t.rows, 1.0);
  EXPECT_DOUBLE_EQ(t.cols, 1.0);
}

TEST(Tile, SquareOperandSplitsBothWays) {
  // q = ceil(1024*1024*2 / 2^20) = 2, a = 2^19, tm = max(min(1024, sqrt(a)), a/1024 = 512)
  // = sqrt(2^19), tn = a / tm = sqrt(2^19): rows = cols = 1024 / sqrt(2^19) = sqrt(2).
  const Tiling t = tile(1024, 1024, 1048576, 2);
  EXPECT_DOUBLE_EQ(t.rows, std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(t.cols, std::sqrt(2.0));
}

TEST(Tile, WideOperandSplitsColumns) {
  // m = 4, n = 1000, cap 1000: q = ceil(8000/1000) = 8, a = 500, tm = max(min(4, 22.4), 0.5) = 4,
  // tn = 125: rows = 1, cols = 8.
  const Tiling t = tile(4, 1000, 1000, 2);
  EXPECT_DOUBLE_EQ(t.rows, 1.0);
  EXPECT_DOUBLE_EQ(t.cols, 8.0);
}

TEST(Tile, TallOperandUsesTheRowLowerBound) {
  // m = 1000, n = 4, cap 1000: q = 8, a = 500, min(1000, sqrt 500 = 22.4) = 22.4 < a/n = 125,
  // so tm = 125 (the a/n branch), tn = 4: rows = 8, cols = 1.
  const Tiling t = tile(1000, 4, 1000, 2);
  EXPECT_DOUBLE_EQ(t.rows, 8.0);
  EXPECT_DOUBLE_EQ(t.cols, 1.0);
}

TEST(Tile, PropertiesOverAGrid) {
  // From the definition: rows * cols = m*n / a = q; tm <= m and tn <= n, so rows, cols >= 1;
  // and one tile tm * tn * w = a * w = m*n*w / q <= cap.
  for (double m : {1.0, 7.0, 64.0, 1000.0, 12288.0})
    for (double n : {1.0, 3.0, 512.0, 49152.0})
      for (double cap : {100.0, 49152.0, 39321600.0}) {
        const Tiling t = tile(m, n, cap, 2);
        const double q = std::ceil(m * n * 2 / cap);
        SCOPED_TRACE(testing::Message() << "m=" << m << " n=" << n << " cap=" << cap);
        EXPECT_NEAR(t.rows * t.cols, q, 1e-9 * q);
        EXPECT_GE(t.rows, 1.0 - 1e-12);
        EXPECT_GE(t.cols, 1.0 - 1e-12);
        EXPECT_LE((m / t.rows) * (n / t.cols) * 2, cap * (1 + 1e-12));
      }
}

// ---- section 2: traffic -------------------------------------------------------------

// Shapes below: w = 2. For d1 = 1000, d2 = 4, b = 10: W = 8000, AL = 20000, AR = 80.
// For d1 = 4, d2 = 1000, b = 10: W = 8000, AL = 80, AR = 20000.
TEST(Traffic, WeightsStreamedWhenTheyDoNotFitForward) {
  const Machine mc = make_machine(h100_sxm());
  // (Rb, Cb) = tile(1000, 4, 1000) = (8, 1); 2W = 16000 > 1000: x = W = 8000; x += 8 * 80;
  // forward: y += 2 * (1 - 1) * AL = 0, x += (2*1 - 1) * 20000. x = 28640, y = 0.
  const Traffic t = traffic(mc, 1000, 4, 10, 1000, 1, false, false);
  EXPECT_DOUBLE_EQ(t.between_levels_bytes, 28640.0);
  EXPECT_DOUBLE_EQ(t.sm_network_bytes, 0.0);
}

TEST(Traffic, WeightGradientMovesWeightsTwice) {
  const Machine mc = make_machine(h100_sxm());
  // wgrad: x = 2W = 16000; x += Rb * AR = 640; x += Cb * AL = 20000. x = 36640.
  const Traffic t = traffic(mc, 1000, 4, 10, 1000, 1, false, true);
  EXPECT_DOUBLE_EQ(t.between_levels_bytes, 36640.0);
  EXPECT_DOUBLE_EQ(t.sm_network_bytes, 0.0);
}

TEST(Traffic, WeightsStayBelowWhenTheyFit) {
  const Machine mc = make_machine(h100_sxm());
  // cap * k = 1000 * 16 = 16000 >= 2W = 16000 (boundary): no weight term.
  // (Rb, Cb) = tile(1000, 4, 1000) = (8, 1): x = 8 * 80 + 20000 = 20640.
  const Traffic t = traffic(mc, 1000, 4, 10, 1000, 16, false, false);
  EXPECT_DOUBLE_EQ(t.between_levels_bytes, 20640.0);
}

TEST(Traffic, DistributedRowsUseTheSmNetwork) {
  const Machine mc = make_machine(h100_sxm());
  // dist, k = 4: (Rb, Cb) = tile(1000, 4, 4000): q = 2, a = 2000, tm = max(min(1000, 44.7), 500)
  // = 500 -> (2, 1); (r, c) = tile(1000, 4, 1000) = (8, 1). 2W = 16000 > 4000: x = W = 8000;
  // x += 2 * 80 = 160; r = 8 > 1: y += 8 * 80 = 640; forward: x += (2*1 - 1) * 20000.
  const Traffic t = traffic(mc, 1000, 4, 10, 1000, 4, true, false);
  EXPECT_DOUBLE_EQ(t.between_levels_bytes, 28160.0);
  EXPECT_DOUBLE_EQ(t.sm_network_bytes, 640.0);
}

TEST(Traffic, DistributedColumnsForwardAndWeightGradient) {
  const Machine mc = make_machine(h100_sxm());
  // dist, k = 4: (Rb, Cb) = tile(4, 1000, 4000) = (1, 2) (q = 2, tm = 4, tn = 500);
  // (r, c) = tile(4, 1000, 1000) = (1, 8).
  // forward: x = W + 1 * AR + (2*2 - 1) * AL = 8000 + 20000 + 240 = 28240;
  //          y = 2 * (8 - 1) * AL = 1120.
  const Traffic fwd = traffic(mc, 4, 1000, 10, 1000, 4, true, false);
  EXPECT_DOUBLE_EQ(fwd.between_levels_bytes, 28240.0);
  EXPECT_DOUBLE_EQ(fwd.sm_network_bytes, 1120.0);
  // wgrad: x = 2W + 1 * AR + Cb * AL = 16000 + 20000 + 160 = 36160; y = c * AL = 8 * 80 = 640.
  const Traffic wg = traffic(mc, 4, 1000, 10, 1000, 4, true, true);
  EXPECT_DOUBLE_EQ(wg.between_levels_bytes, 36160.0);
  EXPECT_DOUBLE_EQ(wg.sm_network_bytes, 640.0);
}

// ---- section 2: matmul_time ---------------------------------------------------------

TEST(MatmulTime, TinyMatmulByHand) {
  const Machine mc = make_machine(h100_sxm());
  // 8 x 8 x 8 fits everywhere: each traffic() gives x = Rb*AR + (2*Cb - 1)*AL = 128 + 128 = 256,
  // y = 0. g = h = r = 256; terms: 256/3352e9 = 7.6e-11, 512/6441e9 = 7.9e-11 (the max),
  // 512/2.1643776e13 = 2.4e-11, flop 1024 / 6.926e14 = 1.5e-12. Plus 4.5 us kernel latency.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 8, false), 4.5e-6 + 512 / 6441e9);
  // Weight gradient: x = Rb*AR + Cb*AL = 256 too.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 8, true), 4.5e-6 + 512 / 6441e9);
}

TEST(MatmulTime, StreamingActivationsByHandEachBoundInTurn) {
  // d1 = d2 = 8, b = 2^20: W = 128 fits every level; AL = AR = 8 * 2^20 * 2 = 16777216 and all
  // tilings are (1, 1), so g = h = r = AR + AL = 33554432, y = 0; flop = 2*1*1*2^17*512.
  const double g = 33554432;
  Machine mc = make_machine(h100_sxm());
  // L2-bound: (g + h) / 6441e9 = 1.042e-5 beats g / 3352e9 = 1.001e-5 and (h + r) / beta_s = 3.1e-6.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 1 << 20, false), 4.5e-6 + 2 * g / 6441e9);
  // HBM-bound once HBM drops to 1e12 B/s: g / 1e12 = 3.36e-5.
  Hardware slow_hbm = h100_sxm();
  slow_hbm.hbm_bandwidth_Bps = 1e12;
  mc = make_machine(slow_hbm);
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 1 << 20, false), 4.5e-6 + g / 1e12);
  // Shared-memory-bound once HBM and L2 are 1e15 B/s: (h + y + r) / (128 * 132 * 1.281e9).
  Hardware fast_mem = h100_sxm();
  fast_mem.hbm_bandwidth_Bps = 1e15;
  fast_mem.l2_bandwidth_Bps = 1e15;
  mc = make_machine(fast_mem);
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 1 << 20, false), 4.5e-6 + 2 * g / 2.1643776e13);
}

TEST(MatmulTime, FlopIsPaddedTo8x8x8Chunks) {
  const Machine mc = make_machine(compute_bound());
  const double f = 1.28e8;  // F of compute_bound(): 1e-3 * 128 * 1 * 1e9
  // flop = 2 * ceil(d1/8) * ceil(d2/8) * ceil(b/8) * 512.
  EXPECT_DOUBLE_EQ(matmul_time(mc, 1, 1, 1, false), 1024 / f);     // one chunk
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 8, 8, false), 1024 / f);     // one chunk, exactly full
  EXPECT_DOUBLE_EQ(matmul_time(mc, 9, 8, 8, false), 2048 / f);     // 2 x 1 x 1 chunks
  EXPECT_DOUBLE_EQ(matmul_time(mc, 8, 9, 8, true), 2048 / f);      // 1 x 2 x 1
  EXPECT_DOUBLE_EQ(matmul_time(mc, 17, 9, 1, false), 6144 / f);    // 3 x 2 x 1
  EXPECT_DOUBLE_EQ(matmul_time(mc, 16, 16, 16, false), 8192 / f);  // 2 x 2 x 2
}

TEST(MatmulTime, KernelLatencyIsAFloorAndFlopAnotherOne) {
  // time = max(...) + kernel_latency with max(...) >= flop / F (section 2).
  const Machine mc = make_machine(h100_sxm());
  for (std::int64_t d1 : {1, 8, 100, 4096, 49152})
    for (std::int64_t d2 : {1, 64, 12288})
      for (std::int64_t b : {1, 8, 2048, 65536})
        for (bool wgrad : {false, true}) {
          const double t = matmul_time(mc, d1, d2, b, wgrad);
          const double flop = 2.0 * static_cast<double>((d1 + 7) / 8) * static_cast<double>((d2 + 7) / 8) *
                              static_cast<double>((b + 7) / 8) * 512;
          SCOPED_TRACE(testing::Message() << d1 << " x " << d2 << " x " << b << " wgrad=" << wgrad);
          EXPECT_GE(t, 4.5e-6 + flop / 6.92600832e14 * (1 - 1e-12));
        }
}

TEST(MatmulTime, GoldenVectorMatmul0) {
  // Golden file matmul[0]: V100 SXM, d1 = 8, d2 = 31064, b = 11189, forward.
  const Machine mc = make_machine(v100_sxm());
  EXPECT_NEAR(matmul_time(mc, 8, 31064, 11189, false) / 0.0007770880177777777, 1.0, 1e-9);
}

TEST(MatmulTime, LayerTimeIsSixMatmuls) {
  // Section 4.3: M = 2 mt(fs, ds, bs, F) + 2 mt(ds, fs, bs, F) + mt(fs, ds, bs, T) + mt(ds, fs, bs, T),
  // added in the original's order ((a + b) + c) + ((b + a) + e), bit for bit.
  // On H100 SXM these shapes are compute- or symmetric-traffic-bound, so the orientations tie;
  // with free compute (FLOP/clk/thr 1e6) and 1e15 B/s HBM and L2, the shared-memory term decides
  // and the forward orientations and the weight gradient all differ, so any other mix is caught.
  Hardware hw = h100_sxm();
  hw.flop_per_clock_per_thread = 1e6;
  hw.hbm_bandwidth_Bps = 1e15;
  hw.l2_bandwidth_Bps = 1e15;
  const Machine mc = make_machine(hw);
  const double fwd = matmul_time(mc, 2048, 512, 300, false);
  const double fwd_t = matmul_time(mc, 512, 2048, 300, false);
  const double wg = matmul_time(mc, 2048, 512, 300, true);
  const double wg_t = matmul_time(mc, 512, 2048, 300, true);
  EXPECT_NE(fwd, fwd_t);
  EXPECT_NE(fwd, wg);
  EXPECT_EQ(layer_matmul_time(mc, 2048, 512, 300), ((fwd + fwd_t) + wg) + ((fwd_t + fwd) + wg_t));
}

// Section 4.3: the original's order is symmetric when the two shard shapes swap, so transposed TP
// splits (TPm x TPf and the split that swaps fs and ds) tie exactly. Over a grid of shapes on
// every MODEL.md GPU, and on H100 SXM with free compute and memory (so the shared-memory term
// decides and the two weight-gradient orientations differ), the two orientations give the same
// double. The plain order 2a + 2b + c + e does not: on the two odd shapes at the end (found by a
// random scan) it rounds differently, so the check has teeth.
TEST(MatmulTime, TransposedShardsTieExactly) {
  Hardware smem_bound = h100_sxm();
  smem_bound.flop_per_clock_per_thread = 1e6;
  smem_bound.hbm_bandwidth_Bps = 1e15;
  smem_bound.l2_bandwidth_Bps = 1e15;
  struct Shape {
    std::int64_t x, y, bs;
  };
  std::vector<Shape> shapes;
  for (std::int64_t x : {96, 512, 1664, 3328, 6656, 13312})
    for (std::int64_t y : {128, 832, 2048, 6656, 26624})
      for (std::int64_t bs : {1, 7, 96, 2048, 16384}) shapes.push_back({x, y, bs});
  shapes.push_back({10378, 40842, 450});
  shapes.push_back({11764, 20259, 11279});
  int plain_differs = 0;
  for (const Hardware& hw : {v100_sxm(), a100_sxm(), h100_pcie(), h100_sxm(), smem_bound}) {
    const Machine mc = make_machine(hw);
    for (const Shape& sh : shapes) {
      EXPECT_EQ(layer_matmul_time(mc, sh.x, sh.y, sh.bs), layer_matmul_time(mc, sh.y, sh.x, sh.bs))
          << hw.name << " " << sh.x << " x " << sh.y << ", " << sh.bs << " tokens";
      const auto plain = [&](std::int64_t p, std::int64_t q) {
        return 2 * matmul_time(mc, p, q, sh.bs, false) + 2 * matmul_time(mc, q, p, sh.bs, false) +
               matmul_time(mc, p, q, sh.bs, true) + matmul_time(mc, q, p, sh.bs, true);
      };
      plain_differs += plain(sh.x, sh.y) != plain(sh.y, sh.x);
    }
  }
  EXPECT_GE(plain_differs, 2);
}

// ---- sections 3 to 5: one run on one plan --------------------------------------------

// The hand-worked plan: H100 SXM, d = 1024, f = 4096, L = 4, E = 1, B = 8, S = 2048
// (B*S = 16384 tokens); DP (1, 2), TPm (2, 1), TPf (2, 1), PP (2, 1), EP (1, 1): N = 16;
// m = 4, v = 1; no zero-bubble; overlap TP and PP, not DP. P = 2 * 1024 * 4096 * 4 = 33554432.
class HandPlan : public testing::Test {
 protected:
  Machine mc = make_machine(h100_sxm());
  Model mdl = model(1024, 4096, 4, 1, 8, 2048);
  Plan plan = plan2(lv(1, 2), lv(2, 1), lv(2, 1), lv(2, 1), lv(1, 1), 4, 1);

  // Section 3: all-reduce 2 (p-1) words s q w / (N beta/2); N beta0 / 2 = 7.2e12, N beta1 / 2 = 8e11.
  static constexpr double kDpComm = 2.0 * 1 * 33554432 * 1 * 1 * 2 / 8e11;  // level 1, 2 peers of P words
  static constexpr double kDpLatency = 2 * 1.125e-6;                        // 2 s lambda, s = 1
  // Level 0: TPm 2 peers of f words and TPf 2 peers of d words, s = 2L = 8, q = 16384.
  static constexpr double kTpComm =
      (2.0 * 1 * 4096 * 8 * 16384 * 2 + 2.0 * 1 * 1024 * 8 * 16384 * 2) / 7.2e12;
  static constexpr double kTpLatency = 2 * (2 * 8 * 1.125e-6);  // two all-reduces, 2 s lambda each
  // Section 5: top_pp = 0, top_ep = -1. Pair (a = 0, e = -1): n = v PP_0 - 1 = 1, fp = 1/3,
  // fe = 1 both passes; s = 2 (L - 1) fp fe = 2 at level 0, q = 16384.
  static constexpr double kPpComm = 1024.0 * 2 * 16384 * 2 / 7.2e12;
  static constexpr double kPpLatency = 2 * 1.125e-6;
};

TEST_F(HandPlan, IsAValidPlan) {
  EXPECT_EQ(check_plan(mc.hw, mdl, plan), "");
}

TEST_F(HandPlan, NetworkTermsByHand) {
  const NetworkTimes net = network_times(mc, mdl, plan, 16);
  EXPECT_DOUBLE_EQ(net.dp_comm_s, kDpComm);
  EXPECT_DOUBLE_EQ(net.dp_latency_s, kDpLatency);
  EXPECT_DOUBLE_EQ(net.tp_comm_s, kTpComm);
  EXPECT_DOUBLE_EQ(net.tp_latency_s, kTpLatency);
  EXPECT_DOUBLE_EQ(net.pp_ep_comm_s, kPpComm);
  EXPECT_DOUBLE_EQ(net.pp_ep_latency_s, kPpLatency);
}

TEST_F(HandPlan, StepByHand) {
  const Evaluation ev = evaluate(mc, mdl, plan);
  EXPECT_DOUBLE_EQ(ev.gpus, 16.0);
  EXPECT_DOUBLE_EQ(ev.steps, 40960.0);  // D / (B S) = 20 * 33554432 / 16384
  // T0 = 6 Pa B S / (Fpeak N) = 6 * 33554432 * 16384 / (9.8942976e14 * 16).
  EXPECT_DOUBLE_EQ(ev.ideal_step_s, 6.0 * 33554432 * 16384 / (9.8942976e14 * 16));
  // X = (L // PP) (E // EP) m M with shards fs = 2048, ds = 512, bs = 16384 // (2 * 4 * 1) = 2048.
  const double x = 2 * 1 * 4 * layer_matmul_time(mc, 2048, 512, 2048);
  EXPECT_DOUBLE_EQ(ev.matmul_s, x);
  EXPECT_DOUBLE_EQ(ev.overlapped_comm_s, kPpComm + kTpComm);  // O = BPE + BTP
  EXPECT_DOUBLE_EQ(ev.exposed_comm_s, 0.0);                   // U
  EXPECT_DOUBLE_EQ(ev.bubble_fraction, 0.2);                  // z = 0: (PP - 1) / (PP - 1 + v m) = 1/5
  const double pipe = std::max(x, kPpComm + kTpComm) / 0.8 + kTpLatency + kPpLatency;
  EXPECT_DOUBLE_EQ(ev.pipeline_s, pipe);
  EXPECT_DOUBLE_EQ(ev.step_s, pipe + kDpComm + kDpLatency);  // oDP = 0: Tpipe + BDP + lambda_DP
  EXPECT_EQ(ev.status, Status::ok);
  // Memory: P w DP + 4 P w = 33554432 * 2 * 2 + 4 * 33554432 * 2; limit N * 8e10.
  EXPECT_DOUBLE_EQ(ev.memory_used_bytes, 402653184.0);
  EXPECT_DOUBLE_EQ(ev.memory_limit_bytes, 1.28e12);
}

TEST_F(HandPlan, PerRunTotalsAreStepsTimesPerStep) {
  // Section 4.10.
  const Evaluation ev = evaluate(mc, mdl, plan);
  EXPECT_DOUBLE_EQ(ev.run_s, 40960 * ev.step_s);
  EXPECT_DOUBLE_EQ(ev.utilization, ev.ideal_step_s / ev.step_s);
  EXPECT_DOUBLE_EQ(ev.run_tp_comm_s, 40960 * kTpComm);
  EXPECT_DOUBLE_EQ(ev.run_dp_comm_s, 40960 * kDpComm);
  EXPECT_DOUBLE_EQ(ev.run_pp_ep_comm_s, 40960 * kPpComm);
  EXPECT_DOUBLE_EQ(ev.run_latency_s, 40960 * (kTpLatency + kPpLatency + kDpLatency));
}

TEST_F(HandPlan, StepMatmulTimeMatchesEvaluate) {
  EXPECT_DOUBLE_EQ(step_matmul_time(mc, mdl, plan), evaluate(mc, mdl, plan).matmul_s);
}

TEST(Evaluate, GoldenTraining0) {
  // Golden file training[0]: H100 PCIe, d 4096, f 8192, L 256, E 1, B 512, S 2048, m 32,
  // DP (1, 8), TPm (4, 8), TPf (1, 8), PP (2, 2), EP (1, 1), v 8, no zb, overlap 1/1/1.
  const Machine mc = make_machine(h100_pcie());
  const Model mdl = model(4096, 8192, 256, 1, 512, 2048);
  Plan p = plan2(lv(1, 8), lv(4, 8), lv(1, 8), lv(2, 2), lv(1, 1), 32, 8);
  p.overlap_dp = true;
  ASSERT_EQ(check_plan(mc.hw, mdl, p), "");
  const Evaluation ev = evaluate(mc, mdl, p);
  EXPECT_NEAR(ev.run_s / 150895.442899035, 1, 1e-9);
  EXPECT_NEAR(ev.utilization / 0.03787695601411072, 1, 1e-9);
  EXPECT_NEAR(ev.run_tp_comm_s / 147774.36277309438, 1, 1e-9);
  EXPECT_NEAR(ev.run_dp_comm_s / 384.82906972160004, 1, 1e-9);
  EXPECT_NEAR(ev.run_pp_ep_comm_s / 230.59202193635556, 1, 1e-9);
  EXPECT_NEAR(ev.run_latency_s / 1156.05504, 1, 1e-9);
}

// combine() with chosen network terms: all values are binary fractions, so sums are exact.
class Combine : public testing::Test {
 protected:
  Machine mc = make_machine(h100_sxm());
  Model mdl = model(1024, 4096, 64, 1, 8, 2048);
  static Plan pipeline(std::int64_t pp, std::int64_t m, std::int64_t v, bool zb) {
    Plan p = plan2(lv(1, 1), lv(1, 1), lv(1, 1), lv(1, pp), lv(1, 1), m, v);
    p.zero_bubble = zb;
    return p;
  }
};

TEST_F(Combine, BubbleFormula) {
  // Section 4.7: z = (v - 1) max(0, PP - m), phi = (z + PP - 1) / (z + PP - 1 + v m);
  // X = 1 and no network, so Tpipe = 1 / (1 - phi).
  struct Case {
    std::int64_t pp, m, v;
    double phi;
  };
  const Case cases[] = {
      {1, 4, 1, 0.0},        // PP = 1: no bubble
      {4, 2, 1, 3.0 / 5},    // z = 0: 3 / (3 + 2)
      {4, 2, 2, 5.0 / 9},    // z = 1 * 2 = 2: 5 / (5 + 4)
      {4, 8, 2, 3.0 / 19},   // m >= PP, z = 0: 3 / (3 + 16)
      {8, 2, 4, 25.0 / 33},  // z = 3 * 6 = 18: 25 / (25 + 8)
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "pp=" << c.pp << " m=" << c.m << " v=" << c.v);
    const Evaluation ev = combine(mc, mdl, pipeline(c.pp, c.m, c.v, false), 1.0, NetworkTimes{}, Options{});
    EXPECT_DOUBLE_EQ(ev.bubble_fraction, c.phi);
    EXPECT_DOUBLE_EQ(ev.pipeline_s, 1 / (1 - c.phi));
    EXPECT_DOUBLE_EQ(ev.step_s, 1 / (1 - c.phi));
  }
  const Evaluation zb = combine(mc, mdl, pipeline(8, 16, 1, true), 1.0, NetworkTimes{}, Options{});
  EXPECT_DOUBLE_EQ(zb.bubble_fraction, 0.0);  // phi = 0 if zb
}

TEST_F(Combine, ZeroBubbleDropsLatencyQuirkQ1) {
  NetworkTimes net;
  net.tp_comm_s = 0.25;  // overlapped
  net.tp_latency_s = 3;  // Lambda = 3 + 0.5 = 3.5 > max(X, O) = 1
  net.pp_ep_latency_s = 0.5;
  net.dp_comm_s = 0.125;
  net.dp_latency_s = 0.0625;
  // No zb, PP 4, m 8, v 1: phi = 3/11, Tpipe = 1 / (8/11) + 3.5 = 4.875; Tstep = 4.875 + 0.125 + 0.0625.
  const Evaluation plain = combine(mc, mdl, pipeline(4, 8, 1, false), 1.0, net, Options{});
  EXPECT_DOUBLE_EQ(plain.pipeline_s, 4.875);
  EXPECT_DOUBLE_EQ(plain.step_s, 5.0625);
  // zb, reference (Q1): Lambda dropped, Tpipe = max(X, O) + U = 1; Tstep = 1.1875.
  const Evaluation hidden = combine(mc, mdl, pipeline(4, 8, 1, true), 1.0, net, Options{});
  EXPECT_DOUBLE_EQ(hidden.pipeline_s, 1.0);
  EXPECT_DOUBLE_EQ(hidden.step_s, 1.1875);
  // zb with ZbLatency::max: Tpipe = max(X, O, Lambda) + U = 3.5; Tstep = 3.6875.
  Options corrected;
  corrected.zb_latency = ZbLatency::max;
  const Evaluation kept = combine(mc, mdl, pipeline(4, 8, 1, true), 1.0, net, corrected);
  EXPECT_DOUBLE_EQ(kept.pipeline_s, 3.5);
  EXPECT_DOUBLE_EQ(kept.step_s, 3.6875);
  // ZbLatency::max changes nothing without zero-bubble.
  const Evaluation plain_max = combine(mc, mdl, pipeline(4, 8, 1, false), 1.0, net, corrected);
  EXPECT_DOUBLE_EQ(plain_max.step_s, 5.0625);
  // The latency still counts in the per-run latency total either way (section 4.10).
  EXPECT_DOUBLE_EQ(hidden.run_latency_s, hidden.steps * (3.5 + 0.0625));
}

TEST_F(Combine, OverlapFlags) {
  // Section 4.6 and 4.9 with X = 1, BTP = 0.5, BPE = 0.25, BDP = 0.75, no latency, PP = 1.
  NetworkTimes net;
  net.tp_comm_s = 0.5;
  net.pp_ep_comm_s = 0.25;
  net.dp_comm_s = 0.75;
  struct Case {
    bool otp, odp, opp;
    double overlapped, exposed, step;
  };
  const Case cases[] = {
      {true, false, true, 0.75, 0.0, 1.75},   // max(1, 0.75) + 0 + BDP
      {false, false, true, 0.25, 0.5, 2.25},  // max(1, 0.25) + 0.5 + 0.75
      {true, false, false, 0.5, 0.25, 2.0},   // max(1, 0.5) + 0.25 + 0.75
      {false, false, false, 0.0, 0.75, 2.5},  // 1 + 0.75 + 0.75
      {true, true, true, 0.75, 0.0, 1.0},     // max(Tpipe = 1, BDP = 0.75)
      {false, true, false, 0.0, 0.75, 1.75},  // max(1.75, 0.75)
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "oTP=" << c.otp << " oDP=" << c.odp << " oPP=" << c.opp);
    Plan p = pipeline(1, 1, 1, false);
    p.overlap_tp = c.otp;
    p.overlap_dp = c.odp;
    p.overlap_pp = c.opp;
    const Evaluation ev = combine(mc, mdl, p, 1.0, net, Options{});
    EXPECT_DOUBLE_EQ(ev.overlapped_comm_s, c.overlapped);
    EXPECT_DOUBLE_EQ(ev.exposed_comm_s, c.exposed);
    EXPECT_DOUBLE_EQ(ev.step_s, c.step);
  }
  // oDP with DP comm longer than the pipeline: Tstep = BDP = 3.
  net.dp_comm_s = 3;
  Plan p = pipeline(1, 1, 1, false);
  p.overlap_dp = true;
  EXPECT_DOUBLE_EQ(combine(mc, mdl, p, 1.0, net, Options{}).step_s, 3.0);
  // Overlapped comm longer than X: Tpipe = O = 0.75 with X = 0.25.
  net.dp_comm_s = 0;
  EXPECT_DOUBLE_EQ(combine(mc, mdl, pipeline(1, 1, 1, false), 0.25, net, Options{}).pipeline_s, 0.75);
}

TEST(Evaluate, MemoryCheckBoundary) {
  // Section 4: feasible when P w DP + 4 P w <= N memory. P = 33554432, w = 2, DP = 2, N = 16:
  // need 402653184 B = 16 * 25165824 B.
  const Model mdl = model(1024, 4096, 4, 1, 8, 2048);
  const Plan p = plan2(lv(1, 2), lv(2, 1), lv(2, 1), lv(2, 1), lv(1, 1), 4, 1);
  Hardware hw = h100_sxm();
  hw.memory_bytes = 25165824;  // exactly enough
  Machine mc = make_machine(hw);
  EXPECT_TRUE(memory_fits(mc, mdl, 2, 16));
  EXPECT_EQ(evaluate(mc, mdl, p).status, Status::ok);
  hw.memory_bytes = 25165823;  // one byte per GPU short
  mc = make_machine(hw);
  EXPECT_FALSE(memory_fits(mc, mdl, 2, 16));
  const Evaluation ev = evaluate(mc, mdl, p);
  EXPECT_EQ(ev.status, Status::memory);
  EXPECT_GT(ev.step_s, 0.0);  // every number is still filled in
  // DP 1 needs 3 * 33554432 * 2 < the short budget: fits.
  EXPECT_TRUE(memory_fits(mc, mdl, 1, 16));
}

TEST(Evaluate, OneLayerHasNoPipelineOrExpertTraffic) {
  // Section 5: with L = 1 there are no layer interfaces. E = 2 spread over EP (2, 1), N = 2.
  const Machine mc = make_machine(h100_sxm());
  const Plan p = plan2(lv(1, 1), lv(1, 1), lv(1, 1), lv(1, 1), lv(2, 1), 1, 1);
  const Model one = model(1024, 4096, 1, 2, 8, 2048);
  ASSERT_EQ(check_plan(mc.hw, one, p), "");
  const NetworkTimes n1 = network_times(mc, one, p, 2);
  EXPECT_EQ(n1.pp_ep_comm_s, 0.0);
  EXPECT_EQ(n1.pp_ep_latency_s, 0.0);
  // Control, L = 2: top_pp = -1, top_ep = 0. Pair (a = -1, e = 0): n = L - v PP = 1, fp = 1/1;
  // bandwidth fe = 1/1 - 1/2 = 1/2, s = 2 * 1 * 1/2 = 1: 1024 * 1 * 16384 * 2 / (2 * 9e11 / 2);
  // latency fe = 1 (e = top_ep), s = 2: 2 * 1.125e-6.
  const Model two = model(1024, 4096, 2, 2, 8, 2048);
  const NetworkTimes n2 = network_times(mc, two, p, 2);
  EXPECT_DOUBLE_EQ(n2.pp_ep_comm_s, 1024.0 * 16384 * 2 / 9e11);
  EXPECT_DOUBLE_EQ(n2.pp_ep_latency_s, 2 * 1.125e-6);
}

TEST(Evaluate, PipelineCrossingsSplitOverLevels) {
  // Section 5 with PP (2, 2), v = 1, L = 8, no EP (top_ep = -1, fe = 1): a = -1: n = L - v PP = 4;
  // a = 0 (below top): n = v * PP_1 * (PP_0 - 1) = 2; a = 1 = top_pp: n = v PP_1 - 1 = 1.
  // fp = n / 7; the level -1 share is free. s = 2 * 7 * fp = 2n: level 0 s = 4, level 1 s = 2.
  const Machine mc = make_machine(h100_sxm());
  const Model mdl = model(1024, 4096, 8, 1, 8, 2048);
  const Plan p = plan2(lv(1, 1), lv(1, 1), lv(1, 1), lv(2, 2), lv(1, 1), 4, 1);
  ASSERT_EQ(check_plan(mc.hw, mdl, p), "");
  const NetworkTimes net = network_times(mc, mdl, p, 4);
  // words s q w / (N beta / 2): level 0 1024 * 4 * 16384 * 2 / (4 * 9e11 / 2), level 1 with s = 2, 1e11.
  const double expected = 1024.0 * 4 * 16384 * 2 / 1.8e12 + 1024.0 * 2 * 16384 * 2 / 2e11;
  EXPECT_NEAR(net.pp_ep_comm_s / expected, 1, 1e-12);
  EXPECT_NEAR(net.pp_ep_latency_s / (4 * 1.125e-6 + 2 * 1.125e-6), 1, 1e-12);
}

TEST(Evaluate, ExpertAndPipelineSharesByHand) {
  // Section 5 with PP (2, 1), EP (1, 2), v = 1, L = 4, E = 2, N = 4: top_pp = 0, top_ep = 1.
  // fp: a = -1: n = L - v PP = 2, fp = 2/3; a = 0 = top_pp: n = v PP_0 - 1 = 1, fp = 1/3.
  // Bandwidth fe: e = -1: 1/EP = 1/2; e = 0: 1/2 - 1/2 = 0; e = 1: 1/1 - 1/2 = 1/2.
  // Latency fe: 1 at e = top_ep = 1, else 0. Level max(a, e); s = 2 (L - 1) fr = 6 fr.
  //   (a, e) = (0, -1): level 0, fr = 1/6, s = 1;  (-1, 1): level 1, fr = 1/3, s = 2;
  //   (0, 1): level 1, fr = 1/6, s = 1;  latency: (-1, 1) s = 4, (0, 1) s = 2, both at level 1.
  const Machine mc = make_machine(h100_sxm());
  const Model mdl = model(1024, 4096, 4, 2, 8, 2048);
  const Plan p = plan2(lv(1, 1), lv(1, 1), lv(1, 1), lv(2, 1), lv(1, 2), 2, 1);
  ASSERT_EQ(check_plan(mc.hw, mdl, p), "");
  const NetworkTimes net = network_times(mc, mdl, p, 4);
  // d s q w / (N beta / 2): level 0 N beta0 / 2 = 1.8e12 with s = 1; level 1 2e11 with s = 3.
  const double expected = 1024.0 * 1 * 16384 * 2 / 1.8e12 + 1024.0 * 3 * 16384 * 2 / 2e11;
  EXPECT_NEAR(net.pp_ep_comm_s / expected, 1, 1e-12);
  EXPECT_NEAR(net.pp_ep_latency_s / (6 * 1.125e-6), 1, 1e-12);
}

// ---- check_plan --------------------------------------------------------------------

class CheckPlan : public testing::Test {
 protected:
  Hardware hw = h100_sxm();
  Model mdl = model(1024, 4096, 4, 2, 8, 2048);  // E = 2, 16384 tokens per step
  Plan ok = plan2(lv(1, 2), lv(2, 1), lv(2, 1), lv(2, 1), lv(1, 2), 2, 1);
  // Expects a rejection whose message contains each of `words`.
  void rejects(const Plan& p, std::initializer_list<const char*> words) {
    const std::string why = check_plan(hw, mdl, p);
    ASSERT_FALSE(why.empty());
    for (const char* w : words) EXPECT_NE(why.find(w), std::string::npos) << "'" << w << "' not in: " << why;
  }
};

TEST_F(CheckPlan, AcceptsAValidPlan) {
  EXPECT_EQ(check_plan(hw, mdl, ok), "");
}

TEST_F(CheckPlan, RejectsWrongLevelCount) {
  Plan p = ok;
  p.levels = 1;  // H100 SXM has 2 levels
  rejects(p, {"network levels"});
}

TEST_F(CheckPlan, RejectsDegreesBelowOne) {
  Plan p = ok;
  p.at(Kind::dp, 0) = 0;
  rejects(p, {"dp", "level 0", "0"});
  p = ok;
  p.at(Kind::tp_ff, 1) = -2;
  rejects(p, {"tp_ff", "level 1", "-2"});
}

TEST_F(CheckPlan, RejectsOverfullLowerLevel) {
  Plan p = ok;
  p.at(Kind::tp_model, 0) = 4;  // level 0: DP 1 x TPm 4 x TPf 4 x PP 2 x EP 1 = 32 > 8 GPUs
  p.at(Kind::tp_ff, 0) = 4;
  rejects(p, {"level 0", "32", "8"});
}

TEST_F(CheckPlan, RejectsMicrobatchesAndInterleaveBelowOne) {
  Plan p = ok;
  p.microbatches = 0;
  rejects(p, {"microbatches"});
  p = ok;
  p.interleave = 0;
  rejects(p, {"interleave"});
}

TEST_F(CheckPlan, RejectsDegreesThatDoNotDivideTheModel) {
  // Each total stays small enough to pass the other checks, so only the divisibility rule fires.
  Plan p = ok;
  p.at(Kind::tp_model, 1) = 3;  // 6 does not divide d = 1024
  rejects(p, {"tp_model degree 6 does not divide d_model 1024"});
  p = ok;
  p.at(Kind::tp_ff, 1) = 3;  // 6 does not divide f = 4096
  rejects(p, {"tp_ff degree 6 does not divide d_ff 4096"});
  p = ok;
  p.at(Kind::pp, 0) = 1;
  p.at(Kind::pp, 1) = 3;  // 3 does not divide L = 4, and v PP = 3 <= 4
  rejects(p, {"pp degree 3 does not divide layers 4"});
  p = ok;
  p.at(Kind::ep, 1) = 4;  // 4 does not divide E = 2
  rejects(p, {"ep degree 4 does not divide experts 2"});
}

TEST_F(CheckPlan, RejectsInterleaveBeyondLayers) {
  Plan p = ok;
  p.interleave = 4;  // v PP = 4 * 2 = 8 > L = 4
  rejects(p, {"interleave 4", "exceeds layers 4"});
}

// The batch shard is floored (MODEL.md quirk Q3), as in the search, which picks such plans
// (e.g. the sparse, no-growth-batch frontier): a shard that does not divide evenly is allowed,
// an empty one is not.
TEST_F(CheckPlan, FloorsTheBatchShardButRejectsAnEmptyOne) {
  Plan p = ok;
  p.at(Kind::dp, 1) = 3;  // DP m E = 3 * 2 * 2 = 12 does not divide 16384 tokens: shard 1365
  EXPECT_EQ(check_plan(hw, mdl, p), "");
  p.microbatches = 4096;  // 3 * 4096 * 2 = 24576 > 16384 tokens: nothing per shard
  rejects(p, {"dp 3", "exceeds the 16384 tokens"});
}

TEST(Model, DerivedSizesAndValidation) {
  // Section 4: P = 2 d f L E, Pa = P / E, D = 20 P, steps = D / (B S); section 7: C = 6 P D / E.
  const Model m = model(1024, 4096, 4, 2, 8, 2048);
  EXPECT_DOUBLE_EQ(m.params(), 67108864.0);
  EXPECT_DOUBLE_EQ(m.active_params(), 33554432.0);
  EXPECT_DOUBLE_EQ(m.tokens(), 1342177280.0);
  EXPECT_DOUBLE_EQ(m.steps(), 81920.0);
  EXPECT_DOUBLE_EQ(m.compute_flop(), 6.0 * 67108864 * 1342177280 / 2);
  EXPECT_EQ(validate_model(m), "");
  Model bad = m;
  bad.layers = 0;
  EXPECT_NE(validate_model(bad).find("layers"), std::string::npos);
  bad = m;
  bad.batch_seqs = -1;
  EXPECT_NE(validate_model(bad).find("batch_seqs"), std::string::npos);
}

TEST(Status, NamesRoundTrip) {
  for (int i = 0; i < kStatusCount; ++i) {
    const auto s = static_cast<Status>(i);
    EXPECT_EQ(status_from_name(status_name(s)), s);
    EXPECT_FALSE(status_description(s).empty());
  }
  EXPECT_EQ(status_name(Status::memory), "memory");
  EXPECT_FALSE(status_from_name("no-such-status").has_value());
}

// One name pair for the cost-model vocabulary (the house rule for option vocabularies).
TEST(ModelKindNames, RoundTripAndDefault) {
  ASSERT_EQ(kAllModelKinds.size(), static_cast<std::size_t>(kModelKinds));
  for (ModelKind k : kAllModelKinds) EXPECT_EQ(model_kind_from_name(model_kind_name(k)), k);
  EXPECT_EQ(model_kind_name(ModelKind::reference), "reference");
  EXPECT_EQ(model_kind_name(ModelKind::extended), "extended");
  EXPECT_FALSE(model_kind_from_name("Extended").has_value());
  EXPECT_FALSE(model_kind_from_name("").has_value());
  EXPECT_EQ(Options{}.model_kind, ModelKind::reference);  // reference unless asked for
}

}  // namespace
}  // namespace llmsweep::costmodel
