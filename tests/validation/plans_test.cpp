// Plans identical to the original's (MODEL.md sections 4 and 6, quirk Q4): the plan search picks
// the original's plan at exact ties of run time, every golden vector is bit for bit the
// original's, and the frontier's plans (every degree and per-level split, microbatches,
// interleave, zero-bubble) equal those of a plain transcription of MODEL.md section 6 written
// here without the production search's memoisation and pruned enumeration.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numeric>
#include <optional>

#include "config/hardware_config.hpp"
#include "config/vectors.hpp"
#include "costmodel/evaluate.hpp"
#include "search/best_plan.hpp"
#include "search/frontier.hpp"
#include "search/partitions.hpp"

namespace llmsweep {
namespace {

using costmodel::Evaluation;
using costmodel::Kind;
using costmodel::Plan;

costmodel::Machine machine(const std::string& stem) {
  return costmodel::make_machine(config::resolve_profile(stem, LLMSWEEP_PROFILE_DIR_FOR_TESTS).hardware);
}

// MODEL.md, introduction: added in the order of sections 4 and 6 the results are the original's
// bit for bit. All 545 vectors of the shared golden file match with tolerance 0.
TEST(Plans, EveryGoldenVectorIsBitIdentical) {
  const config::VectorReport r = config::verify_vectors_file(LLMSWEEP_GOLDEN_FILE, 0.0);
  for (const auto& m : r.mismatches) ADD_FAILURE() << m;
  EXPECT_EQ(r.passed, 545);
  EXPECT_EQ(r.failed, 0);
}

// ---- MODEL.md section 6 step 7, the worked example -------------------------------------

costmodel::Model example_model() {
  return search::model_for_width(53248, search::ScalingPolicy{});
}

// The best level partition of given totals, by the tie rule (as section 6 step 7 keeps plans).
Evaluation best_partition(const costmodel::Machine& mc, const costmodel::Model& model, const Plan& totals,
                          Plan& out) {
  search::DivisorCache cache;
  const search::KindTotals kinds{totals.total(Kind::dp), totals.total(Kind::tp_model),
                                 totals.total(Kind::tp_ff), totals.total(Kind::pp), totals.total(Kind::ep)};
  Plan p = totals;
  Evaluation best;
  bool have = false;
  search::for_each_partition(
      cache, search::adjusted_level_sizes(mc.hw.level_sizes, static_cast<search::GpuCount>(totals.gpus())),
      kinds, p, [&](const Plan& c) {
        const Evaluation ev = costmodel::evaluate(mc, model, c);
        if (!have || search::replaces_kept_plan(ev, best)) {
          best = ev;
          out = c;
          have = true;
        }
      });
  return best;
}

Plan totals_plan(int levels, std::int64_t dp, std::int64_t tpm, std::int64_t tpf, std::int64_t pp,
                 std::int64_t m) {
  Plan p;
  p.levels = levels;
  p.at(Kind::dp, levels - 1) = dp;
  p.at(Kind::tp_model, levels - 1) = tpm;
  p.at(Kind::tp_ff, levels - 1) = tpf;
  p.at(Kind::pp, levels - 1) = pp;
  p.microbatches = m;
  p.zero_bubble = true;
  return p;
}

// "H100 SXM, d 53248, 8,388,608 GPUs: TPm 16 x TPf 32 comes first, TPm 8 x TPf 64 (equal
// T = 4465619.725108838 s, equal terms) replaces it because 4465596.362548837 <
// 4465596.362548838; the original's frontier row shows TPm 8, TPf 64."
TEST(Plans, ModelMdTieExampleH100D53248) {
  const costmodel::Machine mc = machine("h100-sxm");
  const costmodel::Model model = example_model();
  const search::SearchResult r = search::best_plan(mc, model, 8388608);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.plan.total(Kind::tp_model), 8);
  EXPECT_EQ(r.plan.total(Kind::tp_ff), 64);
  EXPECT_EQ(r.plan.total(Kind::dp), 256);
  EXPECT_EQ(r.plan.total(Kind::pp), 64);
  EXPECT_EQ(r.plan.microbatches, 128);
  EXPECT_TRUE(r.plan.zero_bubble);
  EXPECT_EQ(r.evaluation.run_s, 4465619.725108838);

  Plan first;
  const Evaluation a = best_partition(mc, model, totals_plan(2, 256, 16, 32, 64, 128), first);
  Plan second;
  const Evaluation b = best_partition(mc, model, totals_plan(2, 256, 8, 64, 64, 128), second);
  // Equal run time and equal comm terms, bit for bit.
  EXPECT_EQ(a.run_s, b.run_s);
  EXPECT_EQ(a.run_tp_comm_s, b.run_tp_comm_s);
  EXPECT_EQ(a.run_dp_comm_s, b.run_dp_comm_s);
  EXPECT_EQ(a.run_pp_ep_comm_s, b.run_pp_ep_comm_s);
  // The two orders of the sum round apart by one ulp, so the later plan wins.
  const double candidate_sum = (b.run_tp_comm_s + b.run_dp_comm_s) + b.run_pp_ep_comm_s;
  const double kept_sum = (a.run_tp_comm_s + a.run_pp_ep_comm_s) + a.run_dp_comm_s;
  EXPECT_EQ(candidate_sum, 4465596.362548837);
  EXPECT_EQ(kept_sum, 4465596.362548838);
  EXPECT_TRUE(search::replaces_kept_plan(b, a));
  // The rule is not an order on plans: with the terms equal, whichever comes later wins, so the
  // enumeration order of section 6 decides.
  EXPECT_TRUE(search::replaces_kept_plan(a, b));
  // The search's plan is that partition.
  EXPECT_EQ(r.plan.degree, second.degree);
}

// Section 6 step 7: an equal run time with a sum that is not lower keeps the first plan.
TEST(Plans, TieRuleKeepsTheFirstPlanWhenSumsRoundAlike) {
  Evaluation kept;
  kept.run_s = 10;
  kept.run_tp_comm_s = 1;
  kept.run_dp_comm_s = 2;
  kept.run_pp_ep_comm_s = 3;
  EXPECT_FALSE(search::replaces_kept_plan(kept, kept));
  Evaluation faster = kept;
  faster.run_s = std::nextafter(10.0, 0.0);
  faster.run_tp_comm_s = 100;
  EXPECT_TRUE(search::replaces_kept_plan(faster, kept));
  Evaluation lower = kept;
  lower.run_dp_comm_s = 1;
  EXPECT_TRUE(search::replaces_kept_plan(lower, kept));
  EXPECT_FALSE(search::replaces_kept_plan(kept, lower));
}

// ---- a plain transcription of MODEL.md sections 6 and 7 -----------------------------------

std::vector<std::int64_t> divisors_of(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 1; i * i <= n; ++i)
    if (n % i == 0) out.push_back(i);
  for (std::size_t k = out.size(); k-- > 0;)
    if (out[k] * out[k] != n) out.push_back(n / out[k]);
  return out;
}

std::int64_t isqrt_of(std::int64_t n) {
  std::int64_t r = 0;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

// "all ordered ways to write its adjusted size as a product of 5 factors (recursively: first
// factor over its divisors ascending, then the rest)".
void factorizations(std::int64_t n, int left, std::vector<std::int64_t>& prefix,
                    std::vector<std::vector<std::int64_t>>& out) {
  if (left == 1) {
    prefix.push_back(n);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (std::int64_t d : divisors_of(n)) {
    prefix.push_back(d);
    factorizations(n / d, left - 1, prefix, out);
    prefix.pop_back();
  }
}

// Section 6 step 7 as written, independent of search::replaces_kept_plan.
bool candidate_wins(const Evaluation& c, const Evaluation& kept) {
  return c.run_s < kept.run_s ||
         (c.run_s == kept.run_s && (c.run_tp_comm_s + c.run_dp_comm_s) + c.run_pp_ep_comm_s <
                                       (kept.run_tp_comm_s + kept.run_pp_ep_comm_s) + kept.run_dp_comm_s);
}

class Transcription {
 public:
  Transcription(const costmodel::Machine& mc, const costmodel::Model& model)
      : mc_(mc), flat_(costmodel::make_machine(costmodel::flatten(mc.hw))), model_(model) {}

  std::optional<std::pair<Plan, Evaluation>> best(std::int64_t n) {
    const costmodel::Model& md = model_;
    const std::int64_t ep = std::gcd(n, md.experts);
    const std::int64_t tokens = md.batch_seqs * md.seq_len;
    std::optional<std::pair<Plan, Evaluation>> kept;
    for (std::int64_t tp : divisors_of(std::gcd(n / ep, md.d_model * md.d_ff)))
      for (std::int64_t dp : divisors_of(std::gcd(n / ep / tp, tokens))) {
        const std::int64_t pp = n / ep / tp / dp;
        if (md.layers % pp != 0) continue;
        for (std::int64_t tpf : divisors_of(tp)) {
          const std::int64_t root = isqrt_of(tp);
          if (tpf < root || tpf > 4 * root) continue;
          const std::int64_t tpm = tp / tpf;
          if (md.d_model % tpm != 0 || md.d_ff % tpf != 0) continue;
          for (bool zb : {false, true}) {
            int taken = 0;
            for (std::int64_t m : divisors_of(tokens / (md.experts * dp))) {
              if (m < (zb ? 2 * pp : pp)) continue;
              if (++taken > (zb ? 1 : 4)) break;
              if (!costmodel::memory_fits(mc_, md, dp, static_cast<double>(n))) continue;
              Plan p;
              p.levels = 1;
              p.at(Kind::dp, 0) = dp;
              p.at(Kind::tp_model, 0) = tpm;
              p.at(Kind::tp_ff, 0) = tpf;
              p.at(Kind::pp, 0) = pp;
              p.at(Kind::ep, 0) = ep;
              p.microbatches = m;
              p.zero_bubble = zb;
              p.interleave = (!zb && pp > 1) ? md.layers / pp : 1;
              const Evaluation fe = costmodel::evaluate(flat_, md, p);
              if (kept && !(fe.run_s <= kept->second.run_s)) continue;
              partitions(n, p, kept);
            }
          }
        }
      }
    return kept;
  }

 private:
  void partitions(std::int64_t n, const Plan& flat, std::optional<std::pair<Plan, Evaluation>>& kept) {
    const std::vector<std::int64_t> sizes = search::adjusted_level_sizes(mc_.hw.level_sizes, n);
    std::vector<std::vector<std::vector<std::int64_t>>> per_level;
    for (std::int64_t s : sizes) {
      std::vector<std::int64_t> prefix;
      per_level.emplace_back();
      factorizations(s, costmodel::kKinds, prefix, per_level.back());
    }
    Plan p = flat;
    p.levels = mc_.hw.levels();
    std::vector<std::size_t> pick(sizes.size(), 0);
    // The Cartesian product over levels, the last level varying fastest.
    const std::function<void(std::size_t)> walk = [&](std::size_t level) {
      if (level == sizes.size()) {
        for (int k = 0; k < costmodel::kKinds; ++k) {
          std::int64_t below = 1;
          for (std::size_t l = 0; l < sizes.size(); ++l)
            below *= per_level[l][pick[l]][static_cast<std::size_t>(k)];
          const std::int64_t total = flat.at(static_cast<Kind>(k), 0);
          if (total % below != 0) return;
          for (std::size_t l = 0; l < sizes.size(); ++l)
            p.at(static_cast<Kind>(k), static_cast<int>(l)) =
                per_level[l][pick[l]][static_cast<std::size_t>(k)];
          p.at(static_cast<Kind>(k), p.levels - 1) = total / below;
        }
        const Evaluation ev = costmodel::evaluate(mc_, model_, p);
        if (!kept || candidate_wins(ev, kept->second)) kept.emplace(p, ev);
        return;
      }
      for (pick[level] = 0; pick[level] < per_level[level].size(); ++pick[level]) walk(level + 1);
    };
    walk(0);
  }

  const costmodel::Machine& mc_;
  costmodel::Machine flat_;
  costmodel::Model model_;
};

// Section 9 by the transcription: smallest cluster (section 7) per paper width.
void expect_frontier_plans_match(const std::string& stem, const search::FrontierSpec& spec) {
  const costmodel::Machine mc = machine(stem);
  const search::Frontier f = search::frontier(mc, spec);
  ASSERT_GT(f.rows.size(), 3u);
  const double tmax = search::max_run_seconds(spec.run_months);
  for (const search::FrontierRow& row : f.rows) {
    SCOPED_TRACE(stem + " d_model " + std::to_string(row.model.d_model));
    Transcription t(mc, row.model);
    std::optional<std::pair<Plan, Evaluation>> answer;
    double gpus = 0;
    const double min_gpus = row.model.compute_flop() / (tmax * mc.flops);
    for (int i = 0; i < 40 && !answer; ++i) {
      const std::int64_t n = row.model.experts << i;
      if (static_cast<double>(n) < min_gpus || !search::fits_levels(mc.hw.level_sizes, n)) continue;
      auto b = t.best(n);
      if (b && b->second.status == costmodel::Status::ok && b->second.run_s < tmax) {
        answer = b;
        gpus = static_cast<double>(n);
      }
    }
    ASSERT_TRUE(answer);
    const Plan& want = answer->first;
    const Plan& got = row.result.plan;
    EXPECT_EQ(row.result.gpus, gpus);
    for (int k = 0; k < costmodel::kKinds; ++k)
      for (int l = 0; l < want.levels; ++l)
        EXPECT_EQ(got.at(static_cast<Kind>(k), l), want.at(static_cast<Kind>(k), l))
            << costmodel::kind_name(static_cast<Kind>(k)) << " at level " << l;
    EXPECT_EQ(got.microbatches, want.microbatches);
    EXPECT_EQ(got.interleave, want.interleave);
    EXPECT_EQ(got.zero_bubble, want.zero_bubble);
    EXPECT_EQ(row.result.evaluation.utilization, answer->second.utilization);
    EXPECT_EQ(row.result.evaluation.run_s, answer->second.run_s);
  }
}

// The headline frontier (H100 SXM, dense, default batch: MODEL.md section 9).
TEST(Plans, HeadlineFrontierPlansAreTheTranscriptions) {
  expect_frontier_plans_match("h100-sxm", search::FrontierSpec{});
}

// A network of three levels, sparse models (EP > 1) and DeepSeek batches: the scenario with the
// most level partitions per plan.
TEST(Plans, SuperpodSparseFrontierPlansAreTheTranscriptions) {
  search::FrontierSpec spec;
  spec.policy.experts = search::ExpertsPolicy::width_scaled;
  spec.policy.batch.policy = search::BatchPolicy::deepseek;
  spec.widths = search::paper_widths(12288, 4 * 12288);
  expect_frontier_plans_match("h100-sxm-superpod", spec);
}

}  // namespace
}  // namespace llmsweep
