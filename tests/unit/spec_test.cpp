// Unit tests of sweep specs: axes resolved from TOML, strict keys with file:line:column, all
// problems reported at once, and the canonical hash that --resume compares.
#include "config/spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "grid/grid.hpp"

namespace llmsweep::config {
namespace {

const std::string kDir = LLMSWEEP_PROFILE_DIR_FOR_TESTS;
const std::string kHead = "[hardware]\nprofiles = [\"h100-sxm\", \"A100 SXM\"]\n";

SweepSpec parse(const std::string& text) {
  return parse_spec(text, "spec.toml", kDir);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Spec, ResolvesEveryAxis) {
  const SweepSpec s = parse(kHead + R"(
[sweep]
name = "demo"
[model]
widths = { from = 12288, to = 16384 }
d_ff_ratio = [4, 8]
depth_multiplier = [0.5, 1]
depth_exponent = [0.3]
experts = ["dense", "width-scaled", 16]
seq_len = 4096
[batch]
policy = ["default", "power"]
exponent = [0.1, 0.3]
multiplier = [1, 2]
[run]
months = [3, 6]
zero_bubble = [true, false]
zb_latency = ["hidden", "max"]
model = ["reference", "extended"]
search = ["reference", "corrected"]
overlap_dp = true
[cluster]
gpus = [1024, 4096]
)");
  EXPECT_EQ(s.name, "demo");
  ASSERT_EQ(s.profiles.size(), 2u);
  EXPECT_EQ(s.profiles[1].stem, "a100-sxm");  // found by display name
  const grid::Axes& a = s.axes;
  EXPECT_EQ(a.width.size(), 3u);  // 12288, 14336, 16384 (the paper's set in range)
  EXPECT_EQ(a.ff_ratio, (std::vector<double>{4, 8}));
  ASSERT_EQ(a.depth.size(), 2u);  // two multipliers x one exponent
  EXPECT_EQ(*a.depth[1].law.exponent, 0.3);
  ASSERT_EQ(a.experts.size(), 3u);
  EXPECT_EQ(a.experts[2].count, 16);
  EXPECT_EQ(a.seq_len, (std::vector<std::int64_t>{4096}));
  ASSERT_EQ(a.batch.size(), 3u);  // default, power 0.1, power 0.3
  EXPECT_EQ(a.batch[2].law.exponent, 0.3);
  EXPECT_EQ(a.batch_multiplier.size(), 2u);
  EXPECT_EQ(a.run_months.size(), 2u);
  EXPECT_EQ(a.zero_bubble_allowed.size(), 2u);
  EXPECT_EQ(a.zb_latency.size(), 2u);
  EXPECT_EQ(a.model_kind, (std::vector<costmodel::ModelKind>{costmodel::ModelKind::reference,
                                                             costmodel::ModelKind::extended}));
  ASSERT_EQ(a.search.size(), 2u);
  EXPECT_FALSE(a.search[1].prune_flattened);
  EXPECT_EQ(a.search[1].microbatch_candidates, 0);
  EXPECT_TRUE(a.overlap_dp);
  EXPECT_EQ(a.gpus, (std::vector<std::int64_t>{1024, 4096}));
  const grid::Grid g(a);
  EXPECT_EQ(g.size(), 2u * 3 * 2 * 2 * 3 * 3 * 2 * 1 * 2 * 2 * 2 * 2 * 2 * 2);
  EXPECT_EQ(g.axis_labels(grid::Axis::model), (std::vector<std::string>{"reference", "extended"}));
}

TEST(Spec, DefaultsAreThePapers) {
  const SweepSpec s = parse(kHead + "[model]\nd_model = [16384, 12288]\n");
  const grid::Axes& a = s.axes;
  EXPECT_EQ(a.width[0].d_model, 12288);  // sorted ascending
  EXPECT_EQ(a.ff_ratio, (std::vector<double>{4}));
  EXPECT_EQ(a.depth.size(), 1u);
  EXPECT_EQ(a.depth[0].law.multiplier, 1);
  EXPECT_FALSE(a.depth[0].law.exponent);
  EXPECT_EQ(a.batch.size(), 1u);
  EXPECT_EQ(a.batch[0].law.policy, search::BatchPolicy::default_law);
  EXPECT_EQ(a.run_months, (std::vector<double>{3}));
  EXPECT_EQ(a.zero_bubble_allowed, (std::vector<bool>{true}));
  EXPECT_EQ(a.model_kind, (std::vector<costmodel::ModelKind>{costmodel::ModelKind::reference}));
  EXPECT_TRUE(a.gpus.empty());
  EXPECT_FALSE(a.parallelism);
  EXPECT_TRUE(a.overlap_tp && a.overlap_pp && !a.overlap_dp);
}

TEST(Spec, ComputeTargetsFromALogRange) {
  const SweepSpec s = parse(kHead + "[model]\ncompute_flop = { from = 1e24, to = 1e28, per_decade = 2 }\n");
  ASSERT_EQ(s.axes.width.size(), 9u);  // 10^24, 10^24.5, ..., 10^28
  EXPECT_NEAR(s.axes.width[1].target_flop / std::pow(10.0, 24.5), 1.0, 1e-12);
  EXPECT_EQ(s.axes.width[0].d_model, 0);
}

TEST(Spec, ExplicitParallelism) {
  const SweepSpec s = parse(
      "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288]\n"
      "[parallelism]\ndp = [1, 2]\ntp_model = [[4, 2], 8]\npp = [16]\nmicrobatches = [32]\ninterleave = "
      "[\"auto\", 2]\n");
  ASSERT_TRUE(s.axes.parallelism);
  const grid::ExplicitParallelism& p = *s.axes.parallelism;
  ASSERT_EQ(p.tp_model.size(), 2u);
  EXPECT_EQ(p.tp_model[0].per_level, (std::vector<std::int64_t>{4, 2}));
  EXPECT_EQ(p.tp_model[0].total, 8);
  EXPECT_TRUE(p.tp_model[1].per_level.empty());
  EXPECT_EQ(p.interleave, (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(p.ep.size(), 1u);  // default degree 1
}

// {total = N, split = "all"} makes every split of N over the levels its own point.
TEST(Spec, AllSplitsOfADegree) {
  const SweepSpec s = parse(
      "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [12288]\n"
      "[parallelism]\ntp_model = [{ total = 8, split = \"all\" }, 2]\npp = [{ total = 4, split = \"best\" "
      "}]\n"
      "microbatches = [8]\n");
  const grid::ExplicitParallelism& p = *s.axes.parallelism;
  ASSERT_EQ(p.tp_model.size(), 5u);  // 1x8, 2x4, 4x2, 8x1 (two levels), and 2 with its split searched
  EXPECT_EQ(p.tp_model[0].per_level, (std::vector<std::int64_t>{1, 8}));
  EXPECT_EQ(p.tp_model[3].per_level, (std::vector<std::int64_t>{8, 1}));
  EXPECT_EQ(p.tp_model[3].total, 8);
  EXPECT_TRUE(p.tp_model[4].per_level.empty());
  ASSERT_EQ(p.pp.size(), 1u);
  EXPECT_EQ(p.pp[0].total, 4);
  EXPECT_TRUE(p.pp[0].per_level.empty());
  EXPECT_NE(error_of("[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [1]\n[parallelism]\n"
                     "dp = [{ total = 8, split = \"some\" }]\nmicrobatches = [1]\n")
                .find("key 'parallelism.dp.split'"),
            std::string::npos);
}

struct BadCase {
  const char* name;
  std::string text;
  std::string expect;
};

TEST(Spec, EachProblemNamesFileLineColumnAndKey) {
  const BadCase cases[] = {
      {"unknown top key", kHead + "[modle]\n",
       "spec.toml:3:2: key 'modle': unknown key (did you mean 'model'?)"},
      {"unknown model key", kHead + "[model]\nd_model = [1]\nd_modell = 2\n",
       "spec.toml:5:1: key 'model.d_modell': unknown key"},
      {"empty axis", kHead + "[model]\nd_model = []\n", "spec.toml:4:11: key 'model.d_model': empty axis"},
      {"zero width", kHead + "[model]\nd_model = [0]\n",
       "spec.toml:4:12: key 'model.d_model': impossible value 0"},
      {"negative months", kHead + "[model]\nd_model = [1]\n[run]\nmonths = -1\n",
       "key 'run.months': impossible value"},
      {"duplicate", kHead + "[model]\nd_model = [8, 8]\n", "key 'model.d_model': duplicate value 8"},
      {"wrong type", kHead + "[model]\nd_model = [\"big\"]\n", "key 'model.d_model': expected an integer"},
      {"no width", kHead + "[model]\nexperts = \"dense\"\n", "the model needs a width axis"},
      {"no model", kHead, "key 'model': missing required table"},
      {"unknown profile", "[hardware]\nprofiles = [\"b100\"]\n[model]\nd_model = [1]\n",
       "unknown hardware profile 'b100'"},
      {"layers and depth law", kHead + "[model]\nd_model = [1]\nlayers = [8]\ndepth_multiplier = [2]\n",
       "give either layers or the depth law"},
      {"power without exponent", kHead + "[model]\nd_model = [1]\n[batch]\npolicy = \"power\"\n",
       "policy 'power' needs an exponent"},
      {"exponent without power", kHead + "[model]\nd_model = [1]\n[batch]\nexponent = [0.2]\n",
       "exponent only applies to policy 'power'"},
      {"tokens not a multiple",
       kHead + "[model]\nd_model = [1]\nseq_len = 3000\n[batch]\ntokens = [4194304]\n",
       "is not a multiple of seq_len 3000"},
      {"bad range", kHead + "[model]\nwidths = { from = 20000, to = 10000 }\n",
       "key 'model.widths.to': must be >= from"},
      {"parallelism and gpus",
       kHead + "[model]\nd_model = [1]\n[cluster]\ngpus = [8]\n[parallelism]\nmicrobatches = [1]\n",
       "explicit parallelism fixes the cluster size"},
      {"per-level length",
       "[hardware]\nprofiles = [\"h100-sxm\"]\n[model]\nd_model = [1]\n[parallelism]\ndp = [[1, 2, "
       "3]]\nmicrobatches = [1]\n",
       "has 3 levels but the hardware has 2"},
      {"syntax", kHead + "[model\n", "spec.toml:3:"},
      {"misspelled cost model", kHead + "[model]\nd_model = [1]\n[run]\nmodel = [\"extnded\"]\n",
       "spec.toml:6:10: key 'run.model': unknown value 'extnded' (did you mean 'extended'?)"},
  };
  for (const BadCase& c : cases)
    EXPECT_NE(error_of(c.text).find(c.expect), std::string::npos) << c.name << ": " << error_of(c.text);
}

TEST(Spec, AllProblemsAreReportedAtOnce) {
  const std::string e = error_of(kHead + "[model]\nd_model = [0]\nexperts = [\"dens\"]\n[run]\nmonths = 0\n");
  EXPECT_NE(e.find("d_model"), std::string::npos) << e;
  EXPECT_NE(e.find("model.experts"), std::string::npos) << e;
  EXPECT_NE(e.find("run.months"), std::string::npos) << e;
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 2) << e;  // one line per problem
}

TEST(Spec, HashIgnoresCommentsAndLayoutButNotValues) {
  const SweepSpec a = parse(kHead + "[model]\nd_model = [12288, 16384]\n");
  const SweepSpec b = parse("# a comment\n" + kHead + "\n[model]\nd_model = [ 16384 ,12288 ]  # reordered\n");
  const SweepSpec c = parse(kHead + "[model]\nd_model = [12288, 20480]\n");
  const SweepSpec d = parse(kHead + "[model]\nd_model = [12288, 16384]\n[run]\nmonths = 3.5\n");
  const SweepSpec e = parse(kHead + "[model]\nd_model = [12288, 16384]\n[run]\nmodel = \"extended\"\n");
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(a.hash, c.hash);
  EXPECT_NE(a.hash, d.hash);
  EXPECT_NE(a.hash, e.hash);
  EXPECT_EQ(a.hash.size(), 64u);
}

// Every shipped spec parses; sweep/systems-2026.toml puts the reference and extended models side
// by side: 11 profiles x 55 widths x 2 expert rules x 2 batch laws x 2 models.
TEST(Spec, ShippedSpecsParse) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LLMSWEEP_SOURCE_DIR) + "/sweep")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_spec(entry.path().string(), kDir));
  }
  const SweepSpec s = load_spec(std::string(LLMSWEEP_SOURCE_DIR) + "/sweep/systems-2026.toml", kDir);
  EXPECT_EQ(s.axes.model_kind.size(), 2u);
  EXPECT_TRUE(s.axes.cluster_sizes.empty());  // each model's default
  EXPECT_EQ(grid::Grid(s.axes).size(), 11u * 55 * 2 * 2 * 2);
}

}  // namespace
}  // namespace llmsweep::config
