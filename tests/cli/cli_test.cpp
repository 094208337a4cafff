// The real llmsweep binary (LLMSWEEP_BINARY) on good and bad input. Each bad-input case checks
// the exit code (2, kExitBadInput in src/cli/run.hpp) and that stderr is exactly one line that
// names the offending option, file, key or value. Temporary files live in a fresh mkdtemp folder
// per test, removed afterwards.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "subprocess.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using namespace llmsweep::test;  // the fixture's helpers (cli_fixture.hpp)

class Cli : public CliTest {};

const std::string kProfiles = LLMSWEEP_PROFILE_DIR_FOR_TESTS;

// ---- profiles -----------------------------------------------------------------------------

TEST_F(Cli, UnknownProfileName) {
  expect_bad_input({"plan", "--hardware", "h100-sxmm", "--d-model", "12288", "--gpus", "2048"},
                   {"'h100-sxmm'", "did you mean 'h100-sxm'"});
}

TEST_F(Cli, MisspelledExtraProfileKey) {
  // A misspelled copy of a key next to the real one: one problem, named with file, line and hint.
  std::string text = read(kProfiles + "/h100-sxm.toml");
  const std::string key = "\nhbm_bandwidth_GBps";
  ASSERT_NE(text.find(key), std::string::npos);
  text.insert(text.find(key), "\nhbm_bandwith_GBps = 3352");
  const std::string file = write("typo.toml", text);
  expect_bad_input({"eval", "--hardware", file, "--d-model", "1024"},
                   {file, "'hbm_bandwith_GBps'", "did you mean 'hbm_bandwidth_GBps'"});
}

// A misspelled required key is one problem (the misspelling, with a hint), not two.
TEST_F(Cli, MisspelledProfileKey) {
  std::string text = read(kProfiles + "/h100-sxm.toml");
  const std::string key = "\nsms = ";
  ASSERT_NE(text.find(key), std::string::npos);
  text.replace(text.find(key), key.size(), "\nsmss = ");
  const std::string file = write("smss.toml", text);
  expect_bad_input({"eval", "--hardware", file, "--d-model", "1024"}, {file, "'smss'", "did you mean 'sms'"});
}

TEST_F(Cli, MissingProfileFile) {
  const std::string file = path("absent.toml");
  expect_bad_input({"eval", "--hardware", file, "--d-model", "1024"}, {file, "not found"});
}

// ---- sizes ---------------------------------------------------------------------------------

TEST_F(Cli, ZeroAndNegativeSizes) {
  // plan needs --hardware, --d-model and --gpus; each size in turn is zero or negative.
  for (const std::string v : {"0", "-8"}) {
    expect_bad_input({"plan", "--hardware", "h100-sxm", "--d-model", v, "--gpus", "2048"}, {"--d-model", v});
    expect_bad_input({"plan", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", v}, {"--gpus", v});
    expect_bad_input(
        {"plan", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", "2048", "--layers", v},
        {"--layers", v});
    expect_bad_input(
        {"plan", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", "2048", "--batch-seqs", v},
        {"--batch-seqs", v});
    expect_bad_input({"eval", "--hardware", "h100-sxm", "--d-model", "1024", "--gpus", v}, {"--gpus", v});
    expect_bad_input({"eval", "--hardware", "h100-sxm", "--d-model", v}, {"--d-model", v});
  }
}

TEST_F(Cli, NotANumber) {
  expect_bad_input({"plan", "--hardware", "h100-sxm", "--d-model", "wide", "--gpus", "8"},
                   {"--d-model", "wide"});
}

// ---- degrees -------------------------------------------------------------------------------

const std::vector<std::string> kSmallModel{"--hardware", "h100-sxm", "--d-model",    "1024",
                                           "--layers",   "4",        "--batch-seqs", "8"};

std::vector<std::string> eval_with(std::initializer_list<std::string> extra) {
  std::vector<std::string> args{"eval"};
  args.insert(args.end(), kSmallModel.begin(), kSmallModel.end());
  args.insert(args.end(), extra);
  return args;
}

TEST_F(Cli, DegreesThatDoNotMultiplyToGpus) {
  // DP (2, 2) is 4 GPUs, not 8.
  expect_bad_input(eval_with({"--dp", "2,2", "--gpus", "8"}), {"--gpus", "8", "4"});
}

TEST_F(Cli, TensorParallelDegreeThatDoesNotDivideTheWidth) {
  expect_bad_input(eval_with({"--tp-model", "3,1"}), {"tp_model", "3", "d_model", "1024"});
}

TEST_F(Cli, PipelineDegreeThatDoesNotDivideTheLayers) {
  expect_bad_input(eval_with({"--pp", "1,3"}), {"pp", "3", "layers", "4"});
}

TEST_F(Cli, WrongNumberOfPerLevelDegrees) {
  // H100 SXM has 2 network levels (MODEL.md section 1: level_sizes (8)).
  expect_bad_input(eval_with({"--pp", "1,2,2"}), {"--pp", "3", "2"});
  expect_bad_input(eval_with({"--dp", "2"}), {"--dp", "1", "2"});
}

TEST_F(Cli, ClusterThatDoesNotFillTheLevels) {
  // 12 GPUs on 8-GPU nodes (MODEL.md section 6 precondition).
  expect_bad_input({"plan", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", "12"},
                   {"--gpus", "12"});
}

// ---- verify ----------------------------------------------------------------------------------

TEST_F(Cli, VerifyMalformedJson) {
  const std::string file = write("bad.json", "{\"matmul\": [");
  expect_bad_input({"verify", file}, {file, "malformed JSON"});
}

TEST_F(Cli, VerifyMissingKey) {
  json doc{{"matmul", json::array({golden()["matmul"][0]})}};
  doc["matmul"][0].erase("seconds");
  const std::string file = write("missing.json", doc.dump());
  expect_bad_input({"verify", file}, {file, "matmul[0].seconds", "missing"});
}

TEST_F(Cli, VerifyUnknownKey) {
  json doc{{"matmul", json::array({golden()["matmul"][0]})}};
  doc["matmul"][0]["colour"] = "blue";
  const std::string file = write("unknown.json", doc.dump());
  expect_bad_input({"verify", file}, {file, "matmul[0].colour", "unknown key"});
}

TEST_F(Cli, VerifyMissingFile) {
  const std::string file = path("absent.json");
  expect_bad_input({"verify", file}, {file});
}

TEST_F(Cli, VerifyReportsAnAlteredVector) {
  // The golden file with training[3]'s run time 1% off: 544 of its 545 vectors still pass.
  json doc = golden();
  doc["training"][3]["total_seconds"] = doc["training"][3]["total_seconds"].get<double>() * 1.01;
  const std::string file = write("altered.json", doc.dump());
  const Result r = run({"verify", file});
  EXPECT_EQ(r.exit_code, kExitFailed) << r.err;
  EXPECT_NE(r.out.find("MISMATCH training[3]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total_seconds expected"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;  // one mismatch, one summary
  EXPECT_NE(r.out.find("544 passed, 1 failed\n"), std::string::npos) << r.out;
}

TEST_F(Cli, VerifyTheGoldenFile) {
  // 240 matmul + 300 training + 5 optimal vectors.
  const Result r = run({"verify", LLMSWEEP_GOLDEN_FILE});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "545 passed, 0 failed\n");
  EXPECT_EQ(r.err, "");
}

// ---- help ------------------------------------------------------------------------------------

TEST_F(Cli, HelpForEverySubcommand) {
  const std::vector<std::pair<std::string, std::string>> subs{{"eval", "--tp-model"},
                                                              {"plan", "--gpus"},
                                                              {"frontier", "--widths"},
                                                              {"verify", "FILE"},
                                                              {"profiles", "--json"}};
  for (const auto& [sub, option] : subs) {
    SCOPED_TRACE(sub);
    const Result r = run({sub, "--help"});
    EXPECT_EQ(r.exit_code, kExitOk);
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("Usage: llmsweep " + sub), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(option), std::string::npos) << r.out;
  }
  const Result top = run({"--help"});
  EXPECT_EQ(top.exit_code, kExitOk);
  for (const auto& [sub, option] : subs) EXPECT_NE(top.out.find(sub), std::string::npos) << sub;
}

TEST_F(Cli, NoSubcommandIsBadInput) {
  expect_bad_input({}, {"subcommand"});
}

// ---- JSON outputs ----------------------------------------------------------------------------

void expect_keys(const json& j, std::initializer_list<const char*> keys, const std::string& where) {
  for (const char* k : keys) EXPECT_TRUE(j.contains(k)) << where << " has no '" << k << "'";
}

double rel(double got, double want) {
  return std::abs(got / want - 1);
}

TEST_F(Cli, EvalJsonHasTheBreakdownOfGoldenTraining0) {
  // Golden file training[0], given on the command line; its per-run outputs must come back.
  const json v = golden()["training"][0];
  const auto levels = [&](const char* k) {
    std::string s;
    for (const auto& x : v[k]) {
      if (!s.empty()) s += ',';  // appended piecewise: GCC 12 warns falsely (-Wrestrict) otherwise
      s += std::to_string(x.get<long long>());
    }
    return s;
  };
  const auto num = [&](const char* k) { return std::to_string(v[k].get<long long>()); };
  const Result r = run({"eval",         "--json",          "--hardware",     v["gpu"].get<std::string>(),
                        "--d-model",    num("d_model"),    "--d-ff",         num("d_ff"),
                        "--layers",     num("layers"),     "--experts",      num("experts"),
                        "--batch-seqs", num("batch_seqs"), "--seq-len",      num("seq_len"),
                        "--dp",         levels("dp"),      "--tp-model",     levels("tp_model"),
                        "--tp-ff",      levels("tp_ff"),   "--pp",           levels("pp"),
                        "--ep",         levels("ep"),      "--microbatches", num("microbatches"),
                        "--interleave", num("interleave"), "--overlap-tp",   num("overlap_tp"),
                        "--overlap-dp", num("overlap_dp"), "--overlap-pp",   num("overlap_pp")});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_FALSE(v["zero_bubble"].get<bool>());  // no --zero-bubble flag was needed
  const json j = json::parse(r.out);
  expect_keys(j, {"hardware", "model", "plan", "evaluation"}, "eval");
  const json& ev = j["evaluation"];
  expect_keys(ev,
              {"status",
               "utilization",
               "run_s",
               "step_s",
               "matmul_s",
               "bubble_fraction",
               "overlapped_comm_s",
               "exposed_comm_s",
               "tp_comm_s",
               "dp_comm_s",
               "pp_ep_comm_s",
               "latency_s",
               "step_tp_comm_s",
               "step_dp_comm_s",
               "step_pp_ep_comm_s",
               "step_tp_latency_s",
               "step_dp_latency_s",
               "step_pp_ep_latency_s",
               "memory_used_bytes",
               "memory_limit_bytes"},
              "evaluation");
  EXPECT_LT(rel(ev["run_s"].get<double>(), v["total_seconds"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["utilization"].get<double>(), v["utilization"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["tp_comm_s"].get<double>(), v["tp_comm_seconds"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["dp_comm_s"].get<double>(), v["dp_comm_seconds"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["pp_ep_comm_s"].get<double>(), v["pp_ep_comm_seconds"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["latency_s"].get<double>(), v["latency_seconds"].get<double>()), 1e-9);
  EXPECT_EQ(j["plan"]["tp_model_levels"], v["tp_model"]);
  EXPECT_EQ(j["hardware"], v["gpu"]);
}

TEST_F(Cli, PlanJsonFindsGoldenOptimal0) {
  // Golden file optimal[0]: H100 SXM, d = 12288 (f, L and B follow the default laws), 2048 GPUs.
  const json v = golden()["optimal"][0];
  const Result r = run({"plan", "--json", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", "2048"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["model"]["layers"], v["layers"]);
  EXPECT_EQ(j["model"]["batch_seqs"], v["batch_seqs"]);
  for (const char* k : {"dp", "tp_model", "tp_ff", "pp", "ep", "microbatches", "interleave"})
    EXPECT_EQ(j["plan"][k], v[k]) << k;
  expect_keys(j["plan"],
              {"dp_levels", "tp_model_levels", "tp_ff_levels", "pp_levels", "ep_levels", "zero_bubble"},
              "plan");
  const json& ev = j["evaluation"];
  expect_keys(ev, {"tp_comm_s", "dp_comm_s", "pp_ep_comm_s", "latency_s", "matmul_s", "step_s"},
              "evaluation");
  EXPECT_LT(rel(ev["utilization"].get<double>(), v["utilization"].get<double>()), 1e-9);
  EXPECT_LT(rel(ev["years"].get<double>(), v["years"].get<double>()), 1e-9);
}

TEST_F(Cli, FrontierJsonHasTheDocumentedKeys) {
  const Result r = run({"frontier", "--json", "--hardware", "h100-sxm"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  const json j = json::parse(r.out);
  expect_keys(j, {"rows", "linear_scaling_ends_flop", "largest_feasible_flop", "first_infeasible_d_model"},
              "frontier");
  ASSERT_TRUE(j["rows"].is_array());
  ASSERT_FALSE(j["rows"].empty());
  for (std::size_t i = 0; i < j["rows"].size(); ++i) {
    const json& row = j["rows"][i];
    expect_keys(row,
                {"d_model",      "d_ff",        "layers",       "experts",    "batch_seqs", "compute_flop",
                 "gpus",         "utilization", "years",        "dp",         "tp_model",   "tp_ff",
                 "pp",           "ep",          "microbatches", "interleave", "dp_levels",  "tp_model_levels",
                 "tp_ff_levels", "pp_levels",   "ep_levels",    "tp_comm_s",  "dp_comm_s",  "pp_ep_comm_s",
                 "latency_s"},
                "rows[" + std::to_string(i) + "]");
    EXPECT_EQ(row["pp_levels"].size(), 2u);  // H100 SXM: 2 network levels
  }
  // MODEL.md section 9, public reference numbers (H100 SXM, dense, default batch).
  EXPECT_LT(rel(j["linear_scaling_ends_flop"].get<double>(), 2.048e28), 5e-4);
  EXPECT_LT(rel(j["largest_feasible_flop"].get<double>(), 2.707e31), 5e-4);
  EXPECT_EQ(j["first_infeasible_d_model"], 212992);
  EXPECT_EQ(j["rows"].back()["d_model"], 196608);
  EXPECT_EQ(j["rows"][0]["d_model"], 12288);  // the paper's smallest width (section 8)
}

// --model on every model command: a misspelled kind is one line naming the option; extended is
// recorded in the JSON and, on H100 SXM (Hopper, 8-GPU NVLink domains), gives the reference's rows.
TEST_F(Cli, ModelOptionOnEveryModelCommand) {
  for (const char* cmd : {"eval", "plan", "frontier", "sensitivity"}) {
    std::vector<std::string> args{cmd, "--hardware", "h100-sxm", "--model", "extnded"};
    if (std::string(cmd) == "eval" || std::string(cmd) == "plan") {
      args.insert(args.end(), {"--d-model", "12288"});
      if (std::string(cmd) == "plan") args.insert(args.end(), {"--gpus", "2048"});
    }
    expect_bad_input(args, {"--model", "extnded"});
  }
  const Result ref = run({"frontier", "--json", "--hardware", "h100-sxm", "--widths", "12288,53248"});
  const Result ext =
      run({"frontier", "--json", "--hardware", "h100-sxm", "--widths", "12288,53248", "--model", "extended"});
  ASSERT_EQ(ref.exit_code, kExitOk) << ref.err;
  ASSERT_EQ(ext.exit_code, kExitOk) << ext.err;
  json jr = json::parse(ref.out);
  json je = json::parse(ext.out);
  EXPECT_EQ(jr["cost_model"], "reference");
  EXPECT_EQ(je["cost_model"], "extended");
  EXPECT_EQ(je["rows"], jr["rows"]);
  const Result plan = run({"plan", "--json", "--hardware", "h100-sxm", "--d-model", "12288", "--gpus", "2048",
                           "--model", "extended"});
  ASSERT_EQ(plan.exit_code, kExitOk) << plan.err;
  EXPECT_EQ(json::parse(plan.out)["cost_model"], "extended");
}

TEST_F(Cli, FrontierJsonNullThresholds) {
  // One width, feasible at utilization 0.699 > 0.8 * 0.7 (golden optimal[0]): neither the end of
  // linear scaling nor an infeasible width is reached.
  const Result r = run({"frontier", "--json", "--hardware", "h100-sxm", "--widths", "12288"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(j["rows"][0]["gpus"], 2048);
  EXPECT_TRUE(j["linear_scaling_ends_flop"].is_null());
  EXPECT_TRUE(j["first_infeasible_d_model"].is_null());
  EXPECT_EQ(j["largest_feasible_flop"], j["rows"][0]["compute_flop"]);
}

TEST_F(Cli, ProfilesListsTheShippedProfiles) {
  const Result r = run({"profiles", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const json j = json::parse(r.out);
  std::vector<std::string> stems;
  for (const json& p : j) stems.push_back(p["stem"].get<std::string>());
  for (const char* s :
       {"v100-sxm", "a100-sxm", "h100-pcie", "h100-sxm", "h100-sxm-superpod"})  // MODEL.md section 1
    EXPECT_NE(std::find(stems.begin(), stems.end(), s), stems.end()) << s;
}

}  // namespace

namespace {

// sensitivity: options checked, the HDF5 output refuses an existing file without --overwrite,
// and records whether the wall was reached.
TEST_F(Cli, SensitivityOutputAndBadInput) {
  expect_bad_input({"sensitivity", "--hardware", "h100-sxm", "--factor", "1"}, {"--factor"});
  expect_bad_input({"sensitivity", "--hardware", "h100-sxm", "--search", "fast"}, {"--search", "fast"});
  const std::string out = path("sens.h5");
  Result r = run({"sensitivity", "--hardware", "h100-sxm", "--widths", "12288,196608,212992", "-o", out});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("kernel_latency"), std::string::npos) << r.out;
  r = run({"sensitivity", "--hardware", "h100-sxm", "--widths", "12288", "-o", out});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // kExitResultFile: exists
  EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
  const Result dump = llmsweep::test::run({"h5dump", "-a", "/baseline_wall_reached", out}, dir_);
  EXPECT_NE(dump.out.find("(0): 1"), std::string::npos) << dump.out;
  r = run({"sensitivity", "--hardware", "h100-sxm", "--widths", "12288", "-o", out, "--overwrite", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_FALSE(json::parse(r.out)["wall_reached"].get<bool>());
}

// --step: default both 1.25 and 2, each with central and one-sided elasticities and a regime
// flag, in the table, the JSON and the HDF5 file.
TEST_F(Cli, SensitivityStepsAndRegimeFlag) {
  expect_bad_input({"sensitivity", "--hardware", "h100-sxm", "--step", "1.25,0.5"}, {"--step", "0.5"});
  expect_bad_input({"sensitivity", "--hardware", "h100-sxm", "--step", "2", "--factor", "2"},
                   {"--step", "--factor"});
  const std::string out = path("steps.h5");
  Result r = run({"sensitivity", "--hardware", "h100-sxm", "--json", "-o", out});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["steps"], json::parse("[1.25, 2]"));
  bool flops_flagged = false;
  for (const json& row : j["rows"]) {
    ASSERT_EQ(row["steps"].size(), 2u);
    for (const char* k :
         {"wall_elasticity", "wall_down_elasticity", "wall_up_elasticity", "wall_regime_change",
          "linear_scaling_elasticity", "linear_scaling_regime_change", "down", "up"})
      EXPECT_TRUE(row["steps"][0].contains(k)) << k;
    if (row["number"] == "flops") flops_flagged = row["regime_change"].get<bool>();
  }
  EXPECT_TRUE(flops_flagged);  // the x2 step crosses into the shared-memory-bound regime
  const Result dump = llmsweep::test::run({"h5dump", "-a", "/steps", out}, dir_);
  EXPECT_NE(dump.out.find("1.25, 2"), std::string::npos) << dump.out;
  const Result ds =
      llmsweep::test::run({"h5dump", "-H", "-d", "/sensitivity/wall_elasticity_steps", out}, dir_);
  EXPECT_NE(ds.out.find("( 9, 2 )"), std::string::npos)
      << ds.out;  // 9 numbers (the NVLink domain by x2 only), 2 steps
  r = run({"sensitivity", "--hardware", "h100-sxm", "--step", "2"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("REGIME: linear"), std::string::npos) << r.out;
}

// A torus or systolic profile under the reference model is one line naming the profile and the
// option to use.
TEST_F(Cli, ReferenceRefusesProfilesThatNeedExtended) {
  std::string text = read(kProfiles + "/h100-sxm.toml");
  const std::string from = "level_sizes = [8]";
  text.replace(text.find(from), from.size(),
               "level_sizes = [8]\ntopology = [\"torus\", \"switch\"]\ntorus_dims = [2, 4]");
  const std::string torus = write("torus.toml", text);
  expect_bad_input({"frontier", "--hardware", torus}, {"torus", "--model extended"});
  expect_bad_input({"plan", "--hardware", torus, "--d-model", "12288", "--gpus", "8"}, {"--model extended"});
  const Result r =
      run({"plan", "--hardware", torus, "--d-model", "12288", "--gpus", "2048", "--model", "extended"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  expect_bad_input({"frontier", "--hardware", "tpu-v5p"}, {"tpu-v5p", "--model extended"});
  expect_bad_input({"frontier", "--model", "extended", "--hardware", "tpu-v5p", "--cluster-sizes", "domain"},
                   {"--cluster-sizes", "domain"});
  // A misspelled extended key is one line naming file, line and key.
  std::string b200 = read(kProfiles + "/b200-hgx.toml");
  b200.replace(b200.find("tensor_memory_KiB"), 17, "tensor_memry_KiB");
  const std::string typo = write("typo.toml", b200);
  expect_bad_input({"frontier", "--hardware", typo},
                   {typo, "tensor_memry_KiB", "did you mean 'tensor_memory_KiB'"});
}

}  // namespace
