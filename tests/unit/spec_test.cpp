// Unit tests of sweep specs: axes resolved from TOML, strict keys with file:line:column, all
// problems reported at once, and the canonical hash that --resume compares.
#include "config/spec.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// ---- limits (docs/sweep-spec.md, "Limits"; issue 13) ----------------------------------

const std::string kOne = "[hardware]\nprofiles = [\"h100-sxm\"]\n";             // 2 network levels
const std::string kThree = "[hardware]\nprofiles = [\"h100-sxm-superpod\"]\n";  // 3 levels (8, 32)

std::string numbers(int from, int to) {
  std::string s = "[";
  for (int i = from; i <= to; ++i) s += (i > from ? "," : "") + std::to_string(i);
  return s + "]";
}

// The splits come in the order of the reference enumeration: the first level slowest, each
// level over the divisors of what is left, ascending (the order before the enumeration was
// made proportional to its output).
TEST(SpecLimits, SplitsKeepTheirOrderAndCount) {
  const SweepSpec s = parse(kThree +
                            "[model]\nd_model = [12288]\n[parallelism]\n"
                            "tp_ff = [{ total = 12, split = \"all\" }]\nmicrobatches = [1]\n");
  const auto& v = s.axes.parallelism->tp_ff;
  // 12 = 2^2 x 3 over 3 levels: C(4, 2) x C(3, 2) = 6 x 3 = 18 ordered splits.
  ASSERT_EQ(v.size(), 18u);
  std::vector<std::vector<std::int64_t>> got;
  for (const auto& d : v) got.push_back(d.per_level);
  EXPECT_EQ(got.front(), (std::vector<std::int64_t>{1, 1, 12}));
  EXPECT_EQ(got[1], (std::vector<std::int64_t>{1, 2, 6}));
  EXPECT_EQ(got.back(), (std::vector<std::int64_t>{12, 1, 1}));
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  for (const auto& d : got) EXPECT_EQ(d[0] * d[1] * d[2], 12);
}

// Issue 13 item 5: { total = 2^40, split = "all" } loaded for ever (a loop to the total at each
// level). Over 2 levels it is 41 splits, found at once; over 3, 861.
TEST(SpecLimits, SplitsOfAHugeTotalAreQuick) {
  const SweepSpec two = parse(kOne +
                              "[model]\nd_model = [12288]\n[parallelism]\n"
                              "tp_ff = [{ total = 1099511627776, split = \"all\" }]\nmicrobatches = [1]\n");
  EXPECT_EQ(two.axes.parallelism->tp_ff.size(), 41u);  // 2^a x 2^(40-a), a = 0..40
  const SweepSpec three = parse(kThree +
                                "[model]\nd_model = [12288]\n[parallelism]\n"
                                "dp = [{ total = 1099511627776, split = \"all\" }]\nmicrobatches = [1]\n");
  EXPECT_EQ(three.axes.parallelism->dp.size(), 861u);  // C(42, 2)
}

// Splits past the axis limit are counted, not enumerated, and refused naming the key: 2^40 x 3^20
// is past 2^40, so take 963761198400 (2^6 3^4 5^2 7 11 13 17 19 23, below 2^40) over 6 levels.
TEST(SpecLimits, TooManySplitsAreRefusedBeforeTheyAreMade) {
  const std::string six = R"(name = "six levels"
bits = 16
flop_per_clock_per_thread = 32
register_bytes_per_block = 65536
sms = 132
l2_bandwidth_GBps = 6441
l2_size_MiB = 50
hbm_bandwidth_GBps = 3352
max_clock_MHz = 1830
utilization_cap = 0.7
dsmem = true
memory_GB = 80
kernel_latency_us = 4.5
[network]
level_sizes = [2, 2, 2, 2, 2]
link_bandwidth_GBps = [900, 900, 900, 900, 100, 100]
link_latency_us = [1, 1, 1, 1, 1, 1]
)";
  const std::string profile = testing::TempDir() + "six-levels-" + std::to_string(getpid()) + ".toml";
  FILE* f = std::fopen(profile.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(six.c_str(), f);
  std::fclose(f);
  const std::string e = error_of("[hardware]\nprofiles = [\"" + profile +
                                 "\"]\n[model]\nd_model = [12288]\n"
                                 "[parallelism]\npp = [{ total = 963761198400, split = \"all\" }]\n"
                                 "microbatches = [1]\n");
  EXPECT_NE(e.find("key 'parallelism.pp.split'"), std::string::npos) << e;
  EXPECT_NE(e.find("more than 100000"), std::string::npos) << e;
  // 2^40 over 6 levels: C(45, 5) = 1221759 splits.
  const std::string e2 = error_of("[hardware]\nprofiles = [\"" + profile +
                                  "\"]\n[model]\nd_model = [12288]\n"
                                  "[parallelism]\npp = [{ total = 1099511627776, split = \"all\" }]\n"
                                  "microbatches = [1]\n");
  EXPECT_NE(e2.find("are more than 100000 values"), std::string::npos) << e2;
  std::remove(profile.c_str());
}

TEST(SpecLimits, DegreesAndTheirProductsAreBounded) {
  // Issue 13 (UBSan, spec.cpp:294): per-level degrees whose product overflows int64.
  const std::string e = error_of(kOne +
                                 "[model]\nd_model = [12288]\n[parallelism]\n"
                                 "dp = [[4294967296, 4294967296]]\nmicrobatches = [1]\n");
  EXPECT_NE(e.find("key 'parallelism.dp': per-level degrees multiply to more than 2^40"), std::string::npos)
      << e;
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\n[parallelism]\ntp_model = [2199023255552]\n"
                            "microbatches = [1]\n")
                .find("impossible degree 2199023255552: must be from 1 to 2^40"),
            std::string::npos);
  // Interleave INT64_MAX was evaluated as fine while 2 was refused (v x PP wrapped around).
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [1]\n"
                            "interleave = [9223372036854775807]\n")
                .find("key 'parallelism.interleave': value 9223372036854775807 is above the limit of 2^53"),
            std::string::npos);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [9007199254740993]\n")
                .find("key 'parallelism.microbatches': value 9007199254740993 is above the limit of 2^53"),
            std::string::npos);
}

TEST(SpecLimits, ModelSizesAreBoundedBeforeTheyAreMultiplied) {
  // A d_model near 2^63 made a negative d_ff; 2^53 is validate_model's limit for d x f.
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [9223372036854775807]\n")
                .find("key 'model.d_model': value 9223372036854775807 is above the limit of 2^53"),
            std::string::npos);
  // Within 2^53 alone but not with its d_ff: 2^27 x 2^29 = 2^56.
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [134217728]\n")
                .find("d_model 134217728 with d_ff_ratio 4 gives d_ff 536870912: d_model x d_ff is above the "
                      "limit of 2^53"),
            std::string::npos);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\nd_ff_ratio = [1e300]\n")
                .find("key 'model.d_ff_ratio': value 1e+300 is above the limit of 1000000"),
            std::string::npos);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\nlayers = [9007199254740993]\n").find("model.layers"),
            std::string::npos);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\nexperts = [2147483648]\n")
                .find("key 'model.experts': value 2147483648 is above the limit of 2^30 experts"),
            std::string::npos);
  EXPECT_NE(
      error_of(kOne + "[model]\nd_model = [12288]\nseq_len = [9223372036854775807]\n").find("model.seq_len"),
      std::string::npos);
  EXPECT_NE(
      error_of(kOne + "[model]\nd_model = [12288]\nseq_len = [1]\n[batch]\ntokens = [9223372036854775807]\n")
          .find("batch.tokens"),
      std::string::npos);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\n[run]\nmonths = [1e300]\n").find("run.months"),
            std::string::npos);
}

// Issue 13 (UBSan, spec.cpp:58): a width range from 1e300 converted 1e300 to int64 and walked
// the paper's widths from 2048.
TEST(SpecLimits, WidthRangesBeyondThePapersSetAreEmpty) {
  EXPECT_NE(error_of(kOne + "[model]\nwidths = { from = 1e300, to = 1e301 }\n")
                .find("key 'model.widths': no width of the paper's set lies in this range"),
            std::string::npos);
  const SweepSpec s = parse(kOne + "[model]\nwidths = { from = 3e6, to = 1e300 }\n");
  ASSERT_FALSE(s.axes.width.empty());
  EXPECT_GE(s.axes.width.front().d_model, 3000000);  // 3 x 2^20 = 3145728, the first above 3e6
  EXPECT_EQ(s.axes.width.back().d_model, 15 * (1 << 21));
}

TEST(SpecLimits, AxesAreCountedBeforeTheyAreMade) {
  // 1000 per decade over 1e-300 .. 1e300: 600001 targets.
  EXPECT_NE(error_of(kOne + "[model]\ncompute_flop = { from = 1e-300, to = 1e300, per_decade = 1000 }\n")
                .find("key 'model.compute_flop': 600001 compute targets, more than the limit of 100000"),
            std::string::npos);
  // A listed axis past the limit is refused before its values are read (a quadratic duplicate
  // check made it hang).
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\n[run]\nmonths = " + numbers(1, 100001) + "\n")
                .find("key 'run.months': 100001 values, more than the limit of 100000 per axis"),
            std::string::npos);
  const SweepSpec ok =
      parse(kOne + "[model]\nd_model = [12288]\n[run]\nmonths = " + numbers(1, 100000) + "\n");
  EXPECT_EQ(ok.axes.run_months.size(), 100000u);
  EXPECT_NE(error_of(kOne + "[model]\nd_model = [12288]\ndepth_multiplier = " + numbers(1, 400) +
                     "\ndepth_exponent = " + numbers(1, 400) + "\n")
                .find("160000 depth laws, more than the limit of 100000"),
            std::string::npos);
}

// Issue 13 item 3: a grid whose size overflows 64 bits was an internal error (exit 5).
TEST(SpecLimits, AGridPast64BitsIsBadInput) {
  const std::string list = numbers(1, 10000);  // five axes of 10^4 values: 10^20 > 2^64
  const std::string e =
      error_of(kOne + "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [1]\n" + "dp = " + list +
               "\ntp_model = " + list + "\ntp_ff = " + list + "\npp = " + list + "\nep = " + list + "\n");
  EXPECT_NE(e.find("spec.toml: the grid's axes multiply to more than 2^64 - 1 points"), std::string::npos)
      << e;
}

TEST(SpecLimits, ProfilesAreCountedAndNamesMayBeAnyLength) {
  std::string many = "[hardware]\nprofiles = [";
  for (int i = 0; i <= 1000; ++i) many += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  EXPECT_NE(error_of(many + "]\n[model]\nd_model = [12288]\n")
                .find("key 'hardware.profiles': 1001 profiles, more than the limit of 1000"),
            std::string::npos);
  // A name too long for a file name was an internal error (filesystem_error).
  const std::string e =
      error_of("[hardware]\nprofiles = [\"" + std::string(5000, 'x') + "\"]\n[model]\nd_model = [1]\n");
  EXPECT_NE(e.find("unknown hardware profile 'xxxx"), std::string::npos) << e;
  EXPECT_NE(e.find("(5000 characters)"), std::string::npos) << e;
}

TEST(SpecLimits, AThousandProblemsReadAsTwentyLines) {
  std::string list = "[";
  for (int i = 0; i < 1000; ++i) list += (i ? ",-" : "-") + std::to_string(i + 1);
  const std::string e = error_of(kOne + "[model]\nd_model = " + list + "]\n");
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 20) << e.substr(0, 400);
  EXPECT_NE(e.find("spec.toml: 980 more problems not shown"), std::string::npos);
}

TEST(SpecLimits, AFolderOrADeviceIsNotASpec) {
  try {
    load_spec(testing::TempDir(), kDir);
    FAIL() << "a folder loaded as a spec";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open sweep spec: it is a folder, not a file"),
              std::string::npos)
        << e.what();
  }
  try {
    load_spec("/dev/null", kDir);
    FAIL() << "a device loaded as a spec";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/null: cannot open sweep spec: not a regular file"),
              std::string::npos)
        << e.what();
  }
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
