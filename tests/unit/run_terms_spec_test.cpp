// Unit tests of the extended model's run-level terms in files and sweeps
// (docs/MODEL-EXTENDED.md E5-E7; src/config/run_terms_config.cpp, src/grid/run_axes.cpp and the
// run path of src/grid/evaluate_point.cpp): the profile tables [failures] and [sites], the spec
// tables [failures], [sites] and [ramp], one clear problem per bad value naming its key, and
// sweep rows that equal the frontier's whole runs while reference rows stay unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "config/hardware_config.hpp"
#include "config/spec.hpp"
#include "grid/evaluate_point.hpp"
#include "grid/grid.hpp"
#include "grid/schema.hpp"
#include "search/frontier.hpp"

namespace llmsweep::config {
namespace {

namespace fs = std::filesystem;
const std::string kDir = LLMSWEEP_PROFILE_DIR_FOR_TESTS;

std::string h100_text() {
  std::ifstream in(kDir + "/h100-sxm.toml");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string profile_error(const std::string& tables) {
  try {
    parse_profile(h100_text() + tables, "p.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string spec_error(const std::string& text) {
  try {
    parse_spec(text, "spec.toml", kDir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kFailures = R"(
[failures]
recovery = "storage"
mtbf_gpu_hours = 50000
checkpoint_write_GBps = 2000
checkpoint_read_GBps = 7000
restart_s = 600
)";

TEST(RunTermsProfile, TablesInSiUnits) {
  const Profile p = parse_profile(h100_text() + kFailures + R"(
[sites]
count = 4
bandwidth_GBps = 1
latency_ms = 25
crossing = "dp-pp"
)",
                                  "p.toml");
  ASSERT_TRUE(p.hardware.failures && p.hardware.sites);
  EXPECT_EQ(p.hardware.failures->recovery, costmodel::Recovery::storage);
  EXPECT_DOUBLE_EQ(p.hardware.failures->gpu_mtbf_s, 50000 * 3600.0);
  EXPECT_DOUBLE_EQ(p.hardware.failures->checkpoint_write_Bps, 2e12);
  EXPECT_DOUBLE_EQ(p.hardware.failures->checkpoint_read_Bps, 7e12);
  EXPECT_DOUBLE_EQ(p.hardware.failures->restart_s, 600);
  EXPECT_EQ(p.hardware.sites->count, 4);
  EXPECT_DOUBLE_EQ(p.hardware.sites->bandwidth_Bps, 1e9);
  EXPECT_DOUBLE_EQ(p.hardware.sites->latency_s, 0.025);
  EXPECT_EQ(p.hardware.sites->crossing, costmodel::SiteCrossing::dp_pp);
  // Per node: a node of 4 GPUs failing every 12,500 h is a GPU failing every 50,000 h.
  const Profile node = parse_profile(h100_text() + R"(
[failures]
recovery = "peer"
mtbf_node_hours = 12500
gpus_per_node = 4
restart_s = 30
)",
                                     "p.toml");
  EXPECT_DOUBLE_EQ(node.hardware.failures->gpu_mtbf_s, 50000 * 3600.0);
  // The shipped profiles have neither table: the extended model equals the reference on them.
  for (const Profile& shipped : list_profiles(kDir)) {
    EXPECT_FALSE(shipped.hardware.failures) << shipped.stem;
    EXPECT_FALSE(shipped.hardware.sites) << shipped.stem;
  }
}

TEST(RunTermsProfile, BadValuesNameTheirKey) {
  std::string e = profile_error(
      "\n[failures]\nrecovery = \"storage\"\nmtbf_gpu_hours = -50000\n"
      "checkpoint_write_GBps = 2000\ncheckpoint_read_GBps = 7000\nrestart_s = 600\n");
  EXPECT_NE(e.find("failures.mtbf_gpu_hours"), std::string::npos) << e;
  EXPECT_NE(e.find("must be > 0"), std::string::npos) << e;
  e = profile_error("\n[failures]\nrecovery = \"tape\"\nmtbf_gpu_hours = 1\nrestart_s = 1\n");
  EXPECT_NE(e.find("failures.recovery"), std::string::npos) << e;
  e = profile_error("\n[failures]\nrecovery = \"storage\"\nmtbf_gpu_hours = 1\nrestart_s = 1\n");
  EXPECT_NE(e.find("checkpoint_write_GBps"), std::string::npos) << e;  // storage needs its bandwidths
  e = profile_error(
      "\n[failures]\nrecovery = \"peer\"\nmtbf_gpu_hours = 1\nmtbf_node_hours = 1\nrestart_s = 1\n");
  EXPECT_NE(e.find("not both"), std::string::npos) << e;
  e = profile_error("\n[failures]\nrecovery = \"peer\"\nmtbf_gpu_hour = 1\nrestart_s = 1\n");
  EXPECT_NE(e.find("did you mean 'mtbf_gpu_hours'"), std::string::npos) << e;
  // A site level faster than the 100 GB/s scale-out level is below it, not above.
  e = profile_error("\n[sites]\ncount = 4\nbandwidth_GBps = 400\nlatency_ms = 25\n");
  EXPECT_NE(e.find("sites.bandwidth_GBps"), std::string::npos) << e;
  EXPECT_NE(e.find("must be the top level"), std::string::npos) << e;
  e = profile_error("\n[sites]\ncount = 4\nbandwidth_GBps = 1\nlatency_ms = 0.0001\n");
  EXPECT_NE(e.find("sites.latency_ms"), std::string::npos) << e;
}

const std::string kHead = "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288, 16384]\n";

TEST(RunTermsSpec, AxesAreCartesianProductsWithLabels) {
  const SweepSpec s = parse_spec(kHead + R"(
[run]
model = ["reference", "extended"]
[failures]
recovery = ["storage", "peer", "none"]
mtbf_gpu_hours = 50000
checkpoint_write_GBps = 2000
checkpoint_read_GBps = 7000
restart_s = [600, 10]
[sites]
count = [1, 4]
bandwidth_GBps = 1
latency_ms = 25
[ramp]
steps = [[[0.0317, 0.2], [1, 1]], "none"]
plans = ["per-phase", "one-plan"]
)",
                                 "spec.toml", kDir);
  EXPECT_EQ(s.axes.failures.size(), 6u);
  EXPECT_EQ(s.axes.sites.size(), 2u);
  EXPECT_EQ(s.axes.ramp.size(), 3u);  // plans do not multiply "none"
  EXPECT_EQ(s.max_levels, 3);         // the site level on top of H100's two
  const grid::Grid g(s.axes);
  EXPECT_EQ(g.axis_labels(grid::Axis::ramp)[1], "0.0317:0.2,1:1 one-plan");
  EXPECT_EQ(g.axis_labels(grid::Axis::sites)[1], "4 sites, 1 GB/s, 25 ms");
  EXPECT_EQ(g.axis_labels(grid::Axis::failures)[0],
            "storage, MTBF 50000 h, write 2000 GB/s, read 7000 GB/s, restart 600 s");
  EXPECT_NE(s.canonical.find("failures:"), std::string::npos);
  // A spec without the tables describes the same grid as before they existed.
  const SweepSpec plain = parse_spec(kHead, "spec.toml", kDir);
  EXPECT_EQ(plain.canonical.find("failures:"), std::string::npos);
  EXPECT_EQ(plain.canonical.find("ramp:"), std::string::npos);
  EXPECT_EQ(plain.max_levels, 2);
}

TEST(RunTermsSpec, BadInputNamesTheKey) {
  const std::string ext = "[run]\nmodel = \"extended\"\n";
  std::string e = spec_error(kHead + ext + "[failures]\nrecovery = \"storage\"\nmtbf_gpu_hours = -5\n");
  EXPECT_NE(e.find("failures.mtbf_gpu_hours"), std::string::npos) << e;
  e = spec_error(kHead + ext + "[ramp]\nsteps = [[0.5, 0.2], [0.4, 1]]\n");
  EXPECT_NE(e.find("ramp.steps"), std::string::npos) << e;
  EXPECT_NE(e.find("must increase"), std::string::npos) << e;
  e = spec_error(kHead + ext + "[ramp]\nsteps = [[0.5, 0.2], [0.9, 1]]\n");
  EXPECT_NE(e.find("must end at token fraction 1"), std::string::npos) << e;
  e = spec_error(kHead + ext + "[sites]\ncount = 4\nbandwidth_GBps = 1\nlatency_ms = 0.0001\n");
  EXPECT_NE(e.find("sites.latency_ms"), std::string::npos) << e;
  EXPECT_NE(e.find("must be the top level"), std::string::npos) << e;
  e = spec_error(kHead + ext + "[sites]\ncount = 4\n");  // H100 SXM has no [sites] table
  EXPECT_NE(e.find("sites.bandwidth_GBps"), std::string::npos) << e;
  e = spec_error(kHead + ext +
                 "[failures]\nrecovery = \"storage\"\nmtbf_gpu_hours = 50000\nrestart_s = 60\n");
  EXPECT_NE(e.find("failures.checkpoint_write_GBps"), std::string::npos) << e;
  e = spec_error(kHead + "[failures]\nrecovery = \"peer\"\nmtbf_gpu_hours = 50000\nrestart_s = 60\n");
  EXPECT_NE(e.find("extended"), std::string::npos) << e;  // the reference model has no run terms
  e = spec_error(kHead + ext + "[failures]\nrecovery = \"peer\"\nmtbf_gpu_hours = 50000\nrestart = 60\n");
  EXPECT_NE(e.find("did you mean 'restart_s'"), std::string::npos) << e;
  e = spec_error("[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = 12288\n" + ext +
                 "[failures]\nrecovery = \"peer\"\nmtbf_gpu_hours = 50000\nrestart_s = 60\n"
                 "[parallelism]\ndp = 1\ntp_model = 8\npp = 8\nmicrobatches = 8\n");
  EXPECT_NE(e.find("parallelism"), std::string::npos) << e;
}

// Rows of a sweep under run terms equal the frontier's whole runs; reference rows are unchanged.
TEST(RunTermsSweep, RowsAreTheFrontiersRunsAndReferenceRowsAreUnchanged) {
  const std::string terms = R"(
[failures]
recovery = ["storage", "peer"]
mtbf_gpu_hours = 50000
checkpoint_write_GBps = 2000
checkpoint_read_GBps = 7000
restart_s = 600
)";
  const SweepSpec s =
      parse_spec(kHead + "[run]\nmodel = [\"reference\", \"extended\"]\n" + terms, "spec.toml", kDir);
  const SweepSpec plain = parse_spec(kHead, "spec.toml", kDir);
  const grid::Grid g(s.axes), gp(plain.axes);
  grid::PointEvaluator ev(g), evp(gp);
  const auto cols = grid::columns(s.max_levels, {"h100-sxm"});
  const costmodel::Machine mc = costmodel::make_machine(s.profiles[0].hardware);
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    const grid::Row row = ev.evaluate(i);
    const grid::Digits d = g.digits_at(i);
    const std::uint32_t width = d[static_cast<std::size_t>(grid::Axis::width)];
    if (d[static_cast<std::size_t>(grid::Axis::model)] == 0) {
      // Reference: every column of the plain spec's row, bit for bit, but the index and scenario.
      grid::Row ref = evp.evaluate(width);
      ref.index = row.index;
      ref.scenario = row.scenario;
      for (const grid::Column& c : cols)
        if (c.type == grid::ColumnType::f64) {
          const double a = grid::get_real(row, c), b = grid::get_real(ref, c);
          EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << c.name;
        } else {
          EXPECT_EQ(grid::get_integer(row, c), grid::get_integer(ref, c)) << c.name;
        }
      continue;
    }
    search::FrontierSpec fs;
    fs.widths = {s.axes.width[width].d_model};
    fs.search.model.model_kind = costmodel::ModelKind::extended;
    fs.run.failures = costmodel::FailureModel{d[static_cast<std::size_t>(grid::Axis::failures)] == 0
                                                  ? costmodel::Recovery::storage
                                                  : costmodel::Recovery::peer,
                                              50000 * 3600.0, 2e12, 7e12, 600};
    if (fs.run.failures.recovery == costmodel::Recovery::peer)
      fs.run.failures.checkpoint_write_Bps = fs.run.failures.checkpoint_read_Bps = 0;
    const search::Frontier f = search::frontier(mc, fs);
    ASSERT_EQ(f.rows.size(), 1u);
    const search::RunResult& r = *f.rows[0].run;
    EXPECT_EQ(row.status, 0);
    EXPECT_EQ(row.gpus, r.gpus);
    EXPECT_EQ(row.run_s, r.compute_s);
    EXPECT_EQ(row.wall_s, r.wall_s);
    EXPECT_EQ(row.failure_overhead_s, r.failures.overhead_s);
    EXPECT_EQ(row.wall_utilization, r.wall_utilization);
    EXPECT_EQ(row.years, r.wall_s / search::kSecondsPerYear);
    EXPECT_NEAR(
        row.busy_s + row.bubble_s + row.exposed_comm_s + row.exposed_latency_s + row.failure_overhead_s,
        row.wall_s, 1e-9 * row.wall_s);
    EXPECT_EQ(row.failure_recovery, static_cast<std::uint8_t>(fs.run.failures.recovery));
    EXPECT_DOUBLE_EQ(row.gpu_mtbf_hours, 50000);
  }
}

TEST(RunTermsSweep, SitesAndRampsFillTheirColumns) {
  const SweepSpec s = parse_spec(kHead + R"(
[run]
model = "extended"
[sites]
count = 4
bandwidth_GBps = 1
latency_ms = 25
[ramp]
steps = [[0.0317, 0.2], [1, 1]]
)",
                                 "spec.toml", kDir);
  const grid::Grid g(s.axes);
  grid::PointEvaluator ev(g);
  const grid::Row row = ev.evaluate(0);
  ASSERT_EQ(row.status, 0);
  EXPECT_EQ(row.sites, 4);
  EXPECT_EQ(row.levels, 3);
  EXPECT_EQ(row.level[0][2], 4);  // dp at the site level
  EXPECT_EQ(row.ramp_phases, 2);
  EXPECT_EQ(row.first_batch_seqs, 768);  // closest(0.2 x 3584 = 716.8) = 3 x 2^8
  EXPECT_GT(row.warmup_s, 0);
  EXPECT_DOUBLE_EQ(row.site_latency_ms, 25);
}

}  // namespace
}  // namespace llmsweep::config

namespace llmsweep::config {
namespace {

TEST(RunTermsSpec, StepLawIsABatchPolicyOfSpecs) {
  // [batch] policy = "step-law" (docs/MODEL-EXTENDED.md E7): the row's batch is search::batch_for
  // under Step Law, its batch_rule code 5 (grid::BatchRule::step_law).
  const SweepSpec s =
      parse_spec(kHead + "[batch]\npolicy = [\"default\", \"step-law\"]\n", "spec.toml", kDir);
  ASSERT_EQ(s.axes.batch.size(), 2u);
  EXPECT_EQ(s.axes.batch[1].law.policy, search::BatchPolicy::step_law);
  const grid::Grid g(s.axes);
  grid::PointEvaluator ev(g);
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    const grid::Row row = ev.evaluate(i);
    if (row.batch_rule != static_cast<std::uint8_t>(grid::BatchRule::step_law)) continue;
    search::BatchLaw law;
    law.policy = search::BatchPolicy::step_law;
    EXPECT_EQ(row.batch_seqs, search::batch_for(row.compute_flop, row.experts, row.seq_len, law));
    return;
  }
  FAIL() << "no step-law row";
}

}  // namespace
}  // namespace llmsweep::config
