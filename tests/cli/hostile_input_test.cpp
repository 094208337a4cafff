// The real binary on the hostile inputs of issue 13 (items 3, 4, 5 and 7): numbers that overflow,
// enumerations a spec can make huge, files that are folders or empty, names too long for a file
// name. Each must give exit 2 (kExitBadInput), one stderr line naming the file, key or value, and
// for sweeps no results file: never a crash, an internal error, a hang or a wrong answer marked ok.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixture.hpp"

namespace {

using namespace llmsweep::test;  // the fixture's helpers (cli_fixture.hpp)

class Hostile : public CliTest {
 protected:
  // A sweep of `spec_text` that must fail as bad input, naming `names`, before any file exists.
  void expect_bad_spec(const std::string& spec_text, std::initializer_list<std::string> names,
                       std::vector<std::string> extra = {}) {
    const std::string spec = write("spec.toml", spec_text);
    const std::string out = path("out.h5");
    std::vector<std::string> args{"sweep", spec, "-o", out, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    expect_bad_input(args, names);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".journal"));
    EXPECT_FALSE(fs::exists(out + ".lock"));
  }
};

const std::string kHead = "[hardware]\nprofiles = [\"h100-sxm\"]\n";

std::string integers(int count) {
  std::string s = "[";
  for (int i = 1; i <= count; ++i) s += (i > 1 ? "," : "") + std::to_string(i);
  return s + "]";
}

// Item 3: the grid's size overflowed 64 bits and came out as "internal error" (exit 5), even
// with --force.
TEST_F(Hostile, AGridPast64BitsIsBadInput) {
  const std::string list = integers(10000);  // 10^20 points > 2^64
  const std::string text =
      kHead + "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [1]\ndp = " + list +
      "\ntp_model = " + list + "\ntp_ff = " + list + "\npp = " + list + "\nep = " + list + "\n";
  expect_bad_spec(text, {"spec.toml", "more than 2^64 - 1 points"}, {"--force"});
}

// Item 5: this legal spec enumerated splits for ever and ignored SIGTERM. Over H100 SXM's two
// levels 2^40 has 41 splits: the sweep now loads at once and runs its 41 points.
TEST_F(Hostile, AHugeSplitTotalLoadsAtOnce) {
  const std::string spec = write("split.toml", kHead +
                                                   "[model]\nd_model = [12288]\n[parallelism]\n"
                                                   "tp_ff = [{ total = 1099511627776, split = \"all\" }]\n"
                                                   "microbatches = [1]\n");
  const Result r = run({"sweep", spec, "-o", path("split.h5"), "-q"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  // Over the six levels of a profile with five levels of 2 GPUs, 2^40 has C(45, 5) = 1221759
  // splits: counted, not made, and refused naming the key.
  std::string six = read(LLMSWEEP_PROFILE_DIR_FOR_TESTS "/h100-sxm.toml");
  const auto replace = [&six](const std::string& from, const std::string& to) {
    const auto at = six.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    six.replace(at, six.find('\n', at) - at, to);
  };
  replace("level_sizes", "level_sizes = [2, 2, 2, 2, 2]");
  replace("link_bandwidth_GBps", "link_bandwidth_GBps = [900, 900, 900, 900, 900, 100]");
  replace("link_latency_us", "link_latency_us = [1, 1, 1, 1, 1, 1]");
  const std::string profile = write("six.toml", six);
  expect_bad_spec("[hardware]\nprofiles = [\"" + profile +
                      "\"]\n[model]\nd_model = [12288]\n[parallelism]\n"
                      "tp_ff = [{ total = 1099511627776, split = \"all\" }]\nmicrobatches = [1]\n",
                  {"key 'parallelism.tp_ff.split'", "more than 100000 values"});
}

// Item 4: overflowing numbers in a spec.
TEST_F(Hostile, OverflowingSpecNumbersAreBadInput) {
  expect_bad_spec(kHead + "[model]\nd_model = [9223372036854775807]\n",
                  {"key 'model.d_model'", "9223372036854775807", "above the limit of 2^53"});
  expect_bad_spec(kHead + "[model]\nwidths = { from = 1e300, to = 1e301 }\n",
                  {"key 'model.widths'", "no width of the paper's set"});
  expect_bad_spec(kHead +
                      "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [1]\n"
                      "interleave = [9223372036854775807]\n",
                  {"key 'parallelism.interleave'", "above the limit of 2^53"});
  expect_bad_spec(kHead +
                      "[model]\nd_model = [12288]\n[parallelism]\nmicrobatches = [1]\n"
                      "dp = [[4294967296, 4294967296]]\n",
                  {"key 'parallelism.dp'", "multiply to more than 2^40"});
}

// Item 7: a folder as the spec said "missing required table"; --max-points -1 ran any grid.
TEST_F(Hostile, SpecPathsAndLimitsThatMakeNoSense) {
  expect_bad_input({"sweep", dir_, "-o", path("out.h5")}, {dir_, "it is a folder, not a file"});
  EXPECT_FALSE(fs::exists(path("out.h5")));
  const std::string spec = write("spec.toml", kHead + "[model]\nd_model = [12288]\n");
  for (const char* bad : {"-1", "0", "1e3", "12x"})
    expect_bad_input({"sweep", spec, "-o", path("out.h5"), "--max-points", bad},
                     {"--max-points", "must be a positive whole number", bad});
  EXPECT_FALSE(fs::exists(path("out.h5")));
}

// Items 4 and 7 on the model commands: each integer is range-checked before it is multiplied.
TEST_F(Hostile, ModelCommandOptionsOutOfRange) {
  expect_bad_input({"eval", "--hardware", "h100-sxm", "--d-model", "9223372036854775807"},
                   {"--d-model must be at most 2^53", "9223372036854775807"});
  expect_bad_input({"eval", "--hardware", "h100-sxm", "--d-model", "12288", "--pp", "1,2", "--interleave",
                    "9223372036854775807"},
                   {"--interleave must be at most 2^53"});
  expect_bad_input(
      {"plan", "--hardware", "h100-sxm", "--d-model", "12288", "--experts", "2147483648", "--gpus", "8"},
      {"--experts must be at most 2^30"});
  for (const char* months : {"inf", "nan", "1e7", "0"})
    expect_bad_input({"frontier", "--hardware", "h100-sxm", "--months", months}, {"--months must be > 0"});
}

// Item 3: a profile name too long for a file name was an internal error (filesystem_error).
TEST_F(Hostile, ProfileNamesOfAnyLength) {
  expect_bad_input({"eval", "--hardware", std::string(300, 'a'), "--d-model", "12288"},
                   {"unknown hardware profile 'aaaa", "(300 characters)"});
  expect_bad_input({"eval", "--hardware", "./" + std::string(5000, 'b') + ".toml", "--d-model", "12288"},
                   {"hardware profile file not found"});
  expect_bad_input({"eval", "--hardware", dir_ + "/", "--d-model", "12288"}, {"it is a folder, not a file"});
}

// Item 4: absurd profile sizes computed (bits past 2^32 wrapped to 16).
TEST_F(Hostile, AbsurdProfileSizes) {
  const std::string good = read(LLMSWEEP_PROFILE_DIR_FOR_TESTS "/h100-sxm.toml");
  const struct {
    std::string from, to, key;
  } cases[] = {{"bits = 16", "bits = 4294967312", "key 'bits'"},
               {"sms = 132", "sms = 9223372036854775807", "key 'sms'"},
               {"memory_GB = 80", "memory_GB = 1e300", "key 'memory_GB'"},
               {"level_sizes = [8]", "level_sizes = [4611686018427387904]", "key 'network.level_sizes'"}};
  for (const auto& c : cases) {
    std::string text = good;
    const auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    const std::string profile = write("absurd.toml", text);
    expect_bad_input({"eval", "--hardware", profile, "--d-model", "12288"},
                     {profile, c.key, "invalid value"});
  }
}

// Items 3 and 7 on verify: 1e999 and a folder were internal errors; nothing to check passed.
TEST_F(Hostile, VectorsFilesThatCheckNothingOrCannotBeRead) {
  expect_bad_input({"verify", write("big.json", R"({"matmul": [{"seconds": 1e999}]})")},
                   {"big.json", "number overflow parsing '1e999'"});
  expect_bad_input({"verify", dir_}, {dir_, "it is a folder, not a file"});
  expect_bad_input({"verify", write("empty.json", "")}, {"empty.json", "the vectors file is empty"});
  expect_bad_input({"verify", write("none.json", R"({"matmul": [], "training": []})")},
                   {"none.json", "no vectors"});
}

}  // namespace
