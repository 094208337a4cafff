// The extended model (docs/MODEL-EXTENDED.md) against what must not move and what was measured:
// on the golden inputs (MODEL.md's Hopper and older profiles) it is the reference bit for bit;
// on B200 a large square BF16 GEMM reaches the efficiency public measurements report; rack-scale
// domains are filled where that is the smaller cluster.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "config/hardware_config.hpp"
#include "costmodel/evaluate.hpp"
#include "costmodel/matmul.hpp"
#include "search/best_plan.hpp"
#include "search/frontier.hpp"

namespace llmsweep {
namespace {

using costmodel::Kind;
using costmodel::ModelKind;

costmodel::Machine machine(const std::string& name) {
  return costmodel::make_machine(config::resolve_profile(name, LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware);
}

nlohmann::json golden() {
  std::ifstream in(LLMSWEEP_GOLDEN_FILE);
  return nlohmann::json::parse(in);
}

// Issue 11: "Hopper and older GPUs give the same matmul times as reference (tested on the golden
// inputs)": all 240 matmul vectors, bit for bit, and every training vector's evaluation.
TEST(Extended, GoldenInputsGiveTheReferenceBitForBit) {
  const nlohmann::json g = golden();
  std::map<std::string, costmodel::Machine> machines;
  const auto mc = [&](const std::string& name) -> const costmodel::Machine& {
    auto it = machines.find(name);
    if (it == machines.end()) it = machines.emplace(name, machine(name)).first;
    return it->second;
  };
  int n = 0;
  for (const auto& v : g["matmul"]) {
    const costmodel::Machine& m = mc(v["gpu"].get<std::string>());
    const auto d1 = v["d1"].get<std::int64_t>(), d2 = v["d2"].get<std::int64_t>(),
               b = v["b"].get<std::int64_t>();
    const bool wg = v["weight_grads"].get<bool>();
    EXPECT_EQ(costmodel::matmul_time(m, d1, d2, b, wg, ModelKind::extended),
              costmodel::matmul_time(m, d1, d2, b, wg, ModelKind::reference))
        << v.dump();
    ++n;
  }
  EXPECT_EQ(n, 240);
  costmodel::Options ext;
  ext.model_kind = ModelKind::extended;
  for (const auto& v : g["training"]) {
    const costmodel::Machine& m = mc(v["gpu"].get<std::string>());
    costmodel::Model model;
    model.d_model = v["d_model"];
    model.d_ff = v["d_ff"];
    model.layers = v["layers"];
    model.experts = v["experts"];
    model.batch_seqs = v["batch_seqs"];
    model.seq_len = v["seq_len"];
    costmodel::Plan p;
    p.levels = m.hw.levels();
    const char* keys[] = {"dp", "tp_model", "tp_ff", "pp", "ep"};
    for (int k = 0; k < costmodel::kKinds; ++k)
      for (int l = 0; l < p.levels; ++l)
        p.at(static_cast<Kind>(k), l) = v[keys[k]][static_cast<std::size_t>(l)];
    p.microbatches = v["microbatches"];
    p.interleave = v["interleave"];
    p.zero_bubble = v["zero_bubble"].get<bool>();
    p.overlap_tp = v["overlap_tp"] == 1;
    p.overlap_dp = v["overlap_dp"] == 1;
    p.overlap_pp = v["overlap_pp"] == 1;
    const costmodel::Evaluation a = costmodel::evaluate(m, model, p);
    const costmodel::Evaluation b = costmodel::evaluate(m, model, p, ext);
    EXPECT_EQ(a.run_s, b.run_s) << v.dump();
    EXPECT_EQ(a.run_latency_s, b.run_latency_s) << v.dump();
  }
}

// The headline frontier (MODEL.md section 9) is the same under both models: H100 SXM has no
// extended term and its 8-GPU domains are already filled by powers of two.
TEST(Extended, HeadlineFrontierIsTheReferences) {
  const costmodel::Machine h100 = machine("h100-sxm");
  search::FrontierSpec ref;
  search::FrontierSpec ext;
  ext.search.model.model_kind = ModelKind::extended;
  EXPECT_EQ(search::cluster_sizes_of(ext), search::ClusterSizes::domains);
  const search::Frontier a = search::frontier(h100, ref);
  const search::Frontier b = search::frontier(h100, ext);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].result.gpus, b.rows[i].result.gpus);
    EXPECT_EQ(a.rows[i].result.plan.degree, b.rows[i].result.plan.degree);
    EXPECT_EQ(a.rows[i].result.evaluation.utilization, b.rows[i].result.evaluation.utilization);
  }
  EXPECT_EQ(a.thresholds.linear_scaling_ends_flop, b.thresholds.linear_scaling_ends_flop);
  EXPECT_EQ(a.thresholds.largest_feasible_flop, b.thresholds.largest_feasible_flop);
}

double gemm_efficiency(const costmodel::Machine& mc, std::int64_t m, std::int64_t n, std::int64_t k,
                       ModelKind kind) {
  return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) /
         (costmodel::matmul_time(mc, m, n, k, false, kind) * mc.peak_flops);
}

// Issue 11: a large square BF16 GEMM on B200 reaches the efficiency public measurements report,
// within +-10 %. Measured: OpenXLA's default GEMM performance table for sm_100 (B200),
// xla/service/gpu/model/matmul_interpolator_data.h (tensorflow/tensorflow, third_party/xla):
// bf16 b=1, m=n=k=4096: 1.416867e15 FLOP/s; m=4096, n=2048, k=4096: 1.343542e15 FLOP/s. Over
// B200 HGX's dense BF16 peak of 2.25e15 FLOP/s (hardware_profiles/b200-hgx.toml): 0.630 and 0.597.
TEST(Extended, B200LargeGemmEfficiencyMatchesMeasurement) {
  const costmodel::Machine b200 = machine("b200-hgx");
  ASSERT_NEAR(b200.peak_flops / 2.25e15, 1.0, 1e-4);
  const double square = 1.416867213789406e15 / 2.25e15;
  const double wide = 1.343541814655509e15 / 2.25e15;
  const double e_square = gemm_efficiency(b200, 4096, 4096, 4096, ModelKind::extended);
  const double e_wide = gemm_efficiency(b200, 4096, 2048, 4096, ModelKind::extended);
  EXPECT_NEAR(e_square / square, 1.0, 0.10) << e_square;
  std::printf(
      "B200 BF16 GEMM efficiency, extended model: 4096^3 %.4f (measured %.4f), 4096x2048x4096 %.4f "
      "(measured %.4f), 8192^3 %.4f; reference 4096^3 %.4f\n",
      e_square, square, e_wide, wide, gemm_efficiency(b200, 8192, 8192, 8192, ModelKind::extended),
      gemm_efficiency(b200, 4096, 4096, 4096, ModelKind::reference));
  EXPECT_NEAR(e_wide / wide, 1.0, 0.10) << e_wide;
  // Larger squares stay at the same level (the model is then bound by shared memory or the cap).
  EXPECT_NEAR(gemm_efficiency(b200, 8192, 8192, 8192, ModelKind::extended) / square, 1.0, 0.10);
  // The reference feeds Blackwell's doubled tensor rate through Hopper's shared-memory path: it is
  // far below the measurement (about 0.36), which is what the extended term corrects.
  EXPECT_LT(gemm_efficiency(b200, 4096, 4096, 4096, ModelKind::reference), 0.75 * square);
}

// E2: on GB200 NVL72 (72-GPU racks) the extended model's cluster sizes are the smaller of whole
// racks (fill-levels) and 64 of each rack's GPUs (pow2-domains), width by width.
TEST(Extended, DomainsTakeTheSmallerOfWholeAndPowerOfTwoRacks) {
  const costmodel::Machine gb200 = machine("gb200-nvl72");
  search::FrontierSpec spec;
  spec.search.model.model_kind = ModelKind::extended;
  spec.widths = search::paper_widths(12288, 4 * 12288);
  const search::Frontier both = search::frontier(gb200, spec);
  spec.cluster_sizes = search::ClusterSizes::fill_levels;
  const search::Frontier whole = search::frontier(gb200, spec);
  spec.cluster_sizes = search::ClusterSizes::pow2_domains;
  const search::Frontier pow2 = search::frontier(gb200, spec);
  ASSERT_EQ(both.rows.size(), pow2.rows.size());
  int whole_used = 0;
  for (std::size_t i = 0; i < both.rows.size(); ++i) {
    const double n = both.rows[i].result.gpus;
    EXPECT_LE(n, pow2.rows[i].result.gpus);
    for (const auto& w : whole.rows)
      if (w.model.d_model == both.rows[i].model.d_model) {
        EXPECT_LE(n, w.result.gpus);
      }
    whole_used += both.rows[i].result.whole_domains ? 1 : 0;
  }
  EXPECT_GT(whole_used, 0);  // some widths do fill whole racks (d = 18432: 64 racks, TPf 18)
}

// The shipped 2025-2027 profiles: which need the extended model (a torus or systolic arrays),
// and the power-of-two view of a torus keeps its shape (TPU v5p's 16 x 20 x 28 pod: 16 x 16 x 16).
TEST(Extended, ShippedProfilesForTheSystemsOf2026) {
  for (const char* stem : {"tpu-v5p", "tpu-ironwood", "trainium2-ultraserver", "trainium3-ultraserver"})
    EXPECT_NE(costmodel::extended_requirement(machine(stem).hw), "") << stem;
  for (const char* stem : {"gb300-nvl72", "vera-rubin-nvl144", "rubin-ultra-nvl576", "mi355x", "b200-hgx"})
    EXPECT_EQ(costmodel::extended_requirement(machine(stem).hw), "") << stem;
  const costmodel::Hardware v5p = machine("tpu-v5p").hw;
  const costmodel::Hardware view = search::pow2_domains(v5p);
  EXPECT_EQ(view.torus_dims, (std::vector<std::int64_t>{16, 16, 16}));
  EXPECT_EQ(view.level_sizes, (std::vector<std::int64_t>{4096}));
  EXPECT_EQ(costmodel::check_hardware(view), std::nullopt);
  // Rack-scale domains of 72 to 576 GPUs.
  EXPECT_EQ(machine("gb300-nvl72").hw.level_sizes.front(), 72);
  EXPECT_EQ(machine("vera-rubin-nvl144").hw.level_sizes.front(), 144);
  EXPECT_EQ(machine("rubin-ultra-nvl576").hw.level_sizes.front(), 576);
}

}  // namespace
}  // namespace llmsweep
