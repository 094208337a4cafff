// The extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7) on the command line:
// bad values are one line naming the option (exit 2), the reference model refuses them, and the
// JSON of eval, plan and frontier carries the whole run with its failure overhead as its own
// term. Expected numbers are worked from the inputs given here and the formulas of E5-E7.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "subprocess.hpp"

namespace {

using nlohmann::json;
using namespace llmsweep::test;

class RunTermsCli : public CliTest {
 protected:
  json run_json(std::vector<std::string> args) {
    args.push_back("--json");
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    return json::parse(r.out);
  }
};

// Storage recovery at Epoch AI's 50,000 h per GPU; 2 TB/s write, 7 TB/s read for the cluster.
const std::vector<std::string> kStorage = {"--model",
                                           "extended",
                                           "--recovery",
                                           "storage",
                                           "--mtbf-gpu-hours",
                                           "50000",
                                           "--checkpoint-write-GBps",
                                           "2000",
                                           "--checkpoint-read-GBps",
                                           "7000",
                                           "--restart-s",
                                           "600"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string> kEval = {"eval", "--hardware", "h100-sxm", "--d-model", "4096"};
const std::vector<std::string> kExtended = {"--model", "extended"};

TEST_F(RunTermsCli, NegativeOrZeroNumbersNameTheirOption) {
  for (const std::string v : {"-50000", "0", "nan"})
    expect_bad_input(with(kEval, {"--model", "extended", "--recovery", "peer", "--mtbf-gpu-hours", v}),
                     {"--mtbf-gpu-hours", "> 0"});
  expect_bad_input(with(kEval, {"--model", "extended", "--recovery", "peer", "--restart-s", "-1"}),
                   {"--restart-s", ">= 0"});
  expect_bad_input(
      with(kEval, {"--model", "extended", "--recovery", "storage", "--checkpoint-write-GBps", "-2"}),
      {"--checkpoint-write-GBps", "> 0"});
  expect_bad_input(with(kEval, {"--model", "extended", "--sites", "0"}), {"--sites", "at least 1"});
  expect_bad_input(with(kEval, {"--model", "extended", "--recovery", "tape"}), {"--recovery", "'tape'"});
  // The same check for frontier and plan (one api check for every command).
  expect_bad_input({"frontier", "--hardware", "h100-sxm", "--model", "extended", "--recovery", "peer",
                    "--mtbf-gpu-hours", "-1"},
                   {"--mtbf-gpu-hours"});
  expect_bad_input({"plan", "--hardware", "h100-sxm", "--d-model", "4096", "--gpus", "64", "--model",
                    "extended", "--recovery", "peer", "--mtbf-gpu-hours", "-1"},
                   {"--mtbf-gpu-hours"});
}

TEST_F(RunTermsCli, RampsMustIncreaseAndEndAtOne) {
  expect_bad_input(with(kEval, {"--model", "extended", "--ramp", "0.5:0.2,0.3:1"}),
                   {"--ramp", "must increase"});
  expect_bad_input(with(kEval, {"--model", "extended", "--ramp", "0.1:0.2,0.9:1"}),
                   {"--ramp", "end at token fraction 1"});
  expect_bad_input(with(kEval, {"--model", "extended", "--ramp", "0.1:-1,1:1"}), {"--ramp", "batch factor"});
  expect_bad_input(with(kEval, {"--model", "extended", "--ramp", "half:0.2"}), {"--ramp", "'half:0.2'"});
  expect_bad_input(with(kEval, {"--model", "extended", "--ramp-plans", "some"}), {"--ramp-plans", "'some'"});
}

TEST_F(RunTermsCli, ASiteLevelBelowTheScaleOutLevelIsRefused) {
  // H100 SXM's scale-out level: 100 GB/s per GPU (hardware_profiles/h100-sxm.toml).
  expect_bad_input({"frontier", "--hardware", "h100-sxm", "--model", "extended", "--sites", "4",
                    "--site-bandwidth-GBps", "200", "--site-latency-ms", "30"},
                   {"--site-bandwidth-GBps", "scale-out"});
  expect_bad_input({"frontier", "--hardware", "h100-sxm", "--model", "extended", "--sites", "4",
                    "--site-bandwidth-GBps", "1", "--site-latency-ms", "0"},
                   {"--site-latency-ms", "scale-out"});
  expect_bad_input({"frontier", "--hardware", "h100-sxm", "--model", "extended", "--sites", "4"},
                   {"--site-bandwidth-GBps", "needs a value"});
}

TEST_F(RunTermsCli, SitesAboveATorusAreRefused) {
  // TPU v5p's scale-up level is a 3-D torus (hardware_profiles/tpu-v5p.toml, MODEL-EXTENDED.md E3).
  expect_bad_input({"frontier", "--hardware", "tpu-v5p", "--model", "extended", "--sites", "2",
                    "--site-bandwidth-GBps", "1", "--site-latency-ms", "10"},
                   {"--sites", "torus"});
}

TEST_F(RunTermsCli, TheReferenceModelRefusesRunTerms) {
  for (const std::vector<std::string>& opt : std::vector<std::vector<std::string>>{
           {"--sites", "4"}, {"--recovery", "peer"}, {"--ramp", "0.5:0.5,1:1"}, {"--ramp-plans", "one-plan"}})
    expect_bad_input(with(kEval, opt), {opt.front(), "--model extended"});
}

TEST_F(RunTermsCli, EvalShowsTheFailureOverheadAsItsOwnTerm) {
  // 8 GPUs (DP 8 inside a node): cluster MTBF 50,000 h / 8 = 2.25e7 s.
  const json j = run_json(with(with(kEval, {"--dp", "8,1"}), kStorage));
  const json& r = j["run"];
  EXPECT_DOUBLE_EQ(r["cluster_mtbf_s"].get<double>(), 50000.0 * 3600 / 8);
  EXPECT_GT(r["failure_overhead_s"].get<double>(), 0);
  EXPECT_NEAR(r["failure_overhead_s"].get<double>(),
              r["checkpoint_s"].get<double>() + r["lost_work_s"].get<double>() + r["restart_s"].get<double>(),
              1e-9 * r["wall_s"].get<double>());
  EXPECT_NEAR(r["wall_s"].get<double>(), r["compute_s"].get<double>() + r["failure_overhead_s"].get<double>(),
              1e-9 * r["wall_s"].get<double>());
  // Without a ramp the compute time is the plan's run time (MODEL.md section 4).
  EXPECT_DOUBLE_EQ(r["compute_s"].get<double>(), j["evaluation"]["run_s"].get<double>());
  // A checkpoint is 5 P w bytes written at 2 TB/s.
  EXPECT_DOUBLE_EQ(r["checkpoint_write_s"].get<double>(), 5 * j["model"]["params"].get<double>() * 2 / 2e12);
  EXPECT_EQ(r["terms"]["recovery"], "storage");
  // The same plan under the reference: the same evaluation, no run.
  const json ref = run_json(with(kEval, {"--dp", "8,1"}));
  EXPECT_FALSE(ref.contains("run"));
  EXPECT_EQ(ref["evaluation"], j["evaluation"]);
}

TEST_F(RunTermsCli, RampPhasesOnOwnPlansOrOnePlan) {
  // DeepSeek-V3's ramp as a step: the first 469B of 14.8T tokens (0.0317) at a fifth of the batch.
  const std::vector<std::string> plan = {"plan",     "--hardware", "h100-sxm",      "--d-model",
                                         "8192",     "--gpus",     "1024",          "--model",
                                         "extended", "--ramp",     "0.0317:0.2,1:1"};
  const json per_phase = run_json(plan);
  const json one_plan = run_json(with(plan, {"--ramp-plans", "one-plan"}));
  for (const json* j : {&per_phase, &one_plan}) {
    const json& phases = (*j)["run"]["phases"];
    ASSERT_EQ(phases.size(), 2u);
    EXPECT_DOUBLE_EQ(phases[0]["tokens_fraction"].get<double>(), 0.0317);
    EXPECT_NEAR(phases[1]["tokens_fraction"].get<double>(), 1 - 0.0317, 1e-15);
    EXPECT_EQ(phases[1]["batch_seqs"], (*j)["model"]["batch_seqs"]);
    EXPECT_LT(phases[0]["batch_seqs"].get<double>(), phases[1]["batch_seqs"].get<double>());
    // Compute time: the sum over phases of fraction x the phase's run time.
    EXPECT_NEAR((*j)["run"]["compute_s"].get<double>(),
                phases[0]["compute_s"].get<double>() + phases[1]["compute_s"].get<double>(),
                1e-9 * (*j)["run"]["compute_s"].get<double>());
  }
  EXPECT_EQ(one_plan["run"]["phases"][0]["plan"], one_plan["run"]["phases"][1]["plan"]);
  EXPECT_GE(one_plan["run"]["compute_s"].get<double>(), per_phase["run"]["compute_s"].get<double>());
}

TEST_F(RunTermsCli, FrontierRowsCarryTheirWholeRuns) {
  const json j = run_json(with({"frontier", "--hardware", "h100-sxm", "--widths", "4096,8192"}, kStorage));
  EXPECT_EQ(j["recovery"], "storage");
  ASSERT_EQ(j["rows"].size(), 2u);
  for (const json& row : j["rows"]) {
    ASSERT_TRUE(row.contains("run"));
    EXPECT_LT(row["run"]["wall_s"].get<double>(), 0.25 * 3.154e7);  // the deadline binds the wall time
    EXPECT_GT(row["run"]["failure_overhead_s"].get<double>(), 0);
  }
  // Without terms the extended frontier's JSON has no run keys.
  const json plain =
      run_json({"frontier", "--hardware", "h100-sxm", "--widths", "4096", "--model", "extended"});
  EXPECT_FALSE(plain.contains("recovery"));
  EXPECT_FALSE(plain["rows"][0].contains("run"));
}

}  // namespace
