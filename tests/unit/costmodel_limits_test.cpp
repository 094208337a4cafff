// The cost model's range checks on hostile numbers (issue 13): check_plan, validate_model and
// check_hardware must refuse, with a reason naming the field, any input whose products would
// overflow, and must do so without overflowing themselves (the sanitizer build runs these).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "costmodel/evaluate.hpp"
#include "costmodel/hardware.hpp"
#include "model_md_hardware.hpp"

namespace llmsweep::costmodel {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

Model small_model() {
  Model m;  // d = 1024, f = 4096, L = 4, E = 2, 8 sequences of 2048 tokens
  m.d_model = 1024;
  m.d_ff = 4096;
  m.layers = 4;
  m.experts = 2;
  m.batch_seqs = 8;
  m.seq_len = 2048;
  return m;
}

Plan two_level_plan() {
  Plan p;
  p.levels = 2;
  return p;
}

void expect_rejected(const Plan& p, const std::string& words) {
  const std::string why = check_plan(test::model_md_h100_sxm(), small_model(), p);
  EXPECT_NE(why.find(words), std::string::npos) << "'" << words << "' not in: '" << why << "'";
}

// Before: 3 x 6148914691236517206 = 2^64 + 2 wrapped to 2, which divides d = 1024: accepted.
TEST(CheckPlanLimits, ADegreeProductPastInt64IsRefusedNotWrapped) {
  Plan p = two_level_plan();
  p.at(Kind::tp_model, 0) = 3;
  p.at(Kind::tp_model, 1) = 6148914691236517206;
  expect_rejected(p, "tp_model degree 2^64 or more does not divide d_model 1024");
  p.at(Kind::tp_model, 0) = 1;
  p.at(Kind::tp_model, 1) = kInt64Max;
  expect_rejected(p, "tp_model degree 9223372036854775807 does not divide d_model 1024");
  p = two_level_plan();
  p.at(Kind::dp, 0) = kInt64Max;  // level 0 holds 8 GPUs
  p.at(Kind::pp, 0) = kInt64Max;
  expect_rejected(p, "the degrees at level 0 multiply to 2^64 or more, more than its 8 GPUs");
}

// Issue 13 item 4: an interleave of INT64_MAX passed, v x PP wrapping negative, while a small
// one past the layers was refused.
TEST(CheckPlanLimits, InterleaveTimesPipelineIsFormedWithoutOverflow) {
  Plan p = two_level_plan();
  p.at(Kind::pp, 1) = 2;
  p.interleave = 2;  // v PP = 4 = L: allowed
  EXPECT_EQ(check_plan(test::model_md_h100_sxm(), small_model(), p), "");
  p.interleave = kInt64Max;
  expect_rejected(p, "interleave 9223372036854775807 times pp 2 exceeds layers 4");
  p.interleave = 3;
  expect_rejected(p, "interleave 3 times pp 2 exceeds layers 4");
}

TEST(CheckPlanLimits, TheBatchSplitIsFormedWithoutOverflow) {
  Plan p = two_level_plan();
  p.microbatches = kInt64Max;  // DP x m x E = 2^64 or more
  expect_rejected(p, "exceeds the 16384 tokens");
  p.microbatches = 1;
  p.at(Kind::dp, 1) = kInt64Max;
  expect_rejected(p, "dp 9223372036854775807 x microbatches 1 x experts 2 exceeds the 16384 tokens");
}

TEST(CheckPlanLimits, AnImpossibleLevelCountIsRefusedBeforeIndexing) {
  Plan p = two_level_plan();
  p.levels = kMaxLevels + 1;
  expect_rejected(p, "network levels");
  p.levels = 0;
  expect_rejected(p, "network levels");
}

TEST(ValidateModelLimits, EveryFieldHasItsLimit) {
  Model m = small_model();
  EXPECT_EQ(validate_model(m), "");
  m.layers = kMaxModelInteger + 1;
  EXPECT_EQ(validate_model(m), "layers must be at most 2^53, got 9007199254740993");
  m = small_model();
  m.experts = kMaxExperts + 1;
  EXPECT_EQ(validate_model(m), "experts must be at most 2^30, got 1073741825");
  m = small_model();
  m.d_model = kInt64Max;  // d x f formed in 128 bits
  EXPECT_EQ(validate_model(m), "d_model x d_ff is too large (over 2^53)");
  m = small_model();
  m.batch_seqs = kInt64Max;
  m.seq_len = kInt64Max;
  EXPECT_EQ(validate_model(m), "batch_seqs x seq_len is too large (over 2^53 tokens per step)");
}

// hardware_profiles/README.md, "Limits".
TEST(CheckHardwareLimits, AbsurdSizesAreRefusedByField) {
  const auto field_of = [](const Hardware& hw) {
    const auto p = check_hardware(hw);
    return p ? p->field + ": " + p->message : std::string("ok");
  };
  const Hardware good = test::model_md_h100_sxm();
  EXPECT_EQ(field_of(good), "ok");
  Hardware hw = good;
  hw.bits = 128;
  EXPECT_EQ(field_of(hw), "bits: must be a multiple of 8 from 8 to 64");
  hw = good;
  hw.sms = kMaxSms + 1;
  EXPECT_EQ(field_of(hw), "sms: must be from 1 to 1048576");
  hw = good;
  hw.memory_bytes = 1e31;
  EXPECT_EQ(field_of(hw), "memory: must be > 0 and at most 1e30 (in SI units)");
  hw = good;
  hw.memory_bytes = std::nan("");
  EXPECT_EQ(field_of(hw).rfind("memory:", 0), 0u);
  hw = good;
  hw.kernel_latency_s = 1e31;
  EXPECT_EQ(field_of(hw), "kernel_latency: must be >= 0 and at most 1e30 s");
  hw = good;
  hw.hbm_bandwidth_Bps = std::numeric_limits<double>::infinity();  // unlimited: allowed
  EXPECT_EQ(field_of(hw), "ok");
  hw.hbm_bandwidth_Bps = std::nan("");
  EXPECT_EQ(field_of(hw), "hbm_bandwidth: must be > 0 and at most 1e30 B/s, or inf");
  hw = good;
  hw.level_sizes = {std::int64_t{1} << 62};
  EXPECT_EQ(field_of(hw), "level_sizes: every level size must be from 2 to 65536, got 4611686018427387904");
  hw = good;
  hw.level_sizes = {65536, 65536, 2};  // 2^33 GPUs below the top
  hw.link_bandwidth_Bps = {9e11, 9e11, 9e11, 1e11};
  hw.link_latency_s = {1e-6, 1e-6, 1e-6, 1e-6};
  EXPECT_EQ(field_of(hw), "level_sizes: the level sizes multiply to more than 4294967296 GPUs");
  hw.level_sizes = {65536, 65536, 1};
  EXPECT_EQ(field_of(hw), "level_sizes: every level size must be from 2 to 65536, got 1");
}

}  // namespace
}  // namespace llmsweep::costmodel
