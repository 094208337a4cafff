#include "search/ramp.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "costmodel/matmul.hpp"
#include "search/partitions.hpp"
#include "search/policy.hpp"

namespace llmsweep::search {

using costmodel::Evaluation;
using costmodel::Kind;
using costmodel::Plan;

std::optional<std::string> check_ramp(const BatchRamp& ramp) {
  double previous = 0;
  for (std::size_t i = 0; i < ramp.steps.size(); ++i) {
    const RampStep& s = ramp.steps[i];
    const std::string where = "step " + std::to_string(i + 1) + ": ";
    if (!(s.until_fraction > previous) || !std::isfinite(s.until_fraction))
      return where + "token fractions must increase, got " + std::to_string(s.until_fraction) + " after " +
             std::to_string(previous);
    if (s.until_fraction > 1)
      return where + "token fraction " + std::to_string(s.until_fraction) + " is above 1";
    if (!(s.batch_factor > 0) || !std::isfinite(s.batch_factor))
      return where + "batch factor must be > 0, got " + std::to_string(s.batch_factor);
    previous = s.until_fraction;
  }
  if (!ramp.steps.empty() && ramp.steps.back().until_fraction != 1)
    return "the last step must end at token fraction 1, got " +
           std::to_string(ramp.steps.back().until_fraction);
  return std::nullopt;
}

std::string ramp_label(const BatchRamp& ramp) {
  if (!ramp.active()) return "none";
  std::string out;
  char buf[64];
  for (const RampStep& s : ramp.steps) {
    std::snprintf(buf, sizeof buf, "%s%.10g:%.10g", out.empty() ? "" : ",", s.until_fraction, s.batch_factor);
    out += buf;
  }
  return out;
}

std::optional<BatchRamp> parse_ramp(std::string_view text) {
  BatchRamp ramp;
  if (text == "none") return ramp;
  std::string rest(text);
  std::size_t at = 0;
  while (at <= rest.size()) {
    const std::size_t comma = std::min(rest.find(',', at), rest.size());
    const std::string pair = rest.substr(at, comma - at);
    const std::size_t colon = pair.find(':');
    if (colon == std::string::npos) return std::nullopt;
    char* end = nullptr;
    const std::string a = pair.substr(0, colon), b = pair.substr(colon + 1);
    RampStep s;
    s.until_fraction = std::strtod(a.c_str(), &end);
    if (a.empty() || *end != '\0') return std::nullopt;
    s.batch_factor = std::strtod(b.c_str(), &end);
    if (b.empty() || *end != '\0') return std::nullopt;
    ramp.steps.push_back(s);
    at = comma + 1;
  }
  return ramp;
}

std::string_view ramp_plans_name(RampPlans p) {
  return p == RampPlans::per_phase ? "per-phase" : "one-plan";
}

std::optional<RampPlans> ramp_plans_from_name(std::string_view name) {
  if (name == "per-phase") return RampPlans::per_phase;
  if (name == "one-plan") return RampPlans::one_plan;
  return std::nullopt;
}

std::vector<Phase> phases_of(const costmodel::Model& model, const BatchRamp& ramp) {
  if (!ramp.active()) return {Phase{model, 1.0}};
  std::vector<Phase> out;
  double previous = 0;
  const double experts = static_cast<double>(model.experts);
  for (const RampStep& s : ramp.steps) {
    Phase p{model, s.until_fraction - previous};
    if (s.batch_factor != 1) {
      p.model.batch_seqs =
          model.experts * closest(s.batch_factor * static_cast<double>(model.batch_seqs) / experts);
    }
    out.push_back(p);
    previous = s.until_fraction;
  }
  return out;
}

namespace {

struct CommonSearch {
  const costmodel::Machine& machine;
  const costmodel::Machine flat;
  const std::vector<Phase>& phases;
  const SearchOptions& options;
  double gpus;
  DivisorCache cache;
  SearchResult best;
  double best_total = std::numeric_limits<double>::infinity();

  Plan skeleton(int levels, bool zb, std::int64_t m, std::int64_t v) const {
    Plan p;
    p.levels = levels;
    p.microbatches = m;
    p.interleave = v;
    p.zero_bubble = zb;
    p.overlap_tp = options.overlap_tp;
    p.overlap_dp = options.overlap_dp;
    p.overlap_pp = options.overlap_pp;
    return p;
  }

  // Sum over phases of tokens_fraction x run time of `plan` on `mc`.
  double total(const costmodel::Machine& mc, const Plan& plan, const std::vector<double>& matmul_s) const {
    double sum = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
      const Evaluation ev =
          costmodel::combine(mc, phases[i].model, plan, matmul_s[i],
                             costmodel::network_times(mc, phases[i].model, plan, gpus), options.model);
      sum += phases[i].tokens_fraction * ev.run_s;
    }
    return sum;
  }

  void candidate(const KindTotals& t, std::int64_t m, std::int64_t v, bool zb, GpuCount n) {
    std::vector<double> matmul_s;
    for (const Phase& ph : phases) {
      const costmodel::Model& md = ph.model;
      const std::int64_t bs = md.tokens_per_step() / (t[0] * m * md.experts);
      const double layer = costmodel::layer_matmul_time(machine, md.d_ff / t[2], md.d_model / t[1], bs);
      matmul_s.push_back(static_cast<double>(md.layers / t[3]) * static_cast<double>(md.experts / t[4]) *
                         static_cast<double>(m) * layer);
    }
    if (options.prune_flattened) {
      Plan fp = skeleton(1, zb, m, v);
      for (int k = 0; k < costmodel::kKinds; ++k)
        fp.at(static_cast<Kind>(k), 0) = t[static_cast<std::size_t>(k)];
      if (best.found() && !(total(flat, fp, matmul_s) <= best_total)) return;
    }
    Plan plan = skeleton(machine.hw.levels(), zb, m, v);
    const std::vector<std::int64_t> adjusted = adjusted_level_sizes(machine.hw.level_sizes, n);
    for_each_partition(cache, adjusted, t, plan, [&](const Plan& p) {
      if (!top_level_allowed(p, options.top_level_kinds)) return;
      const double sum = total(machine, p, matmul_s);
      if (!best.found() || sum < best_total) {
        best.status = costmodel::Status::ok;
        best.plan = p;
        best_total = sum;
      }
    });
  }
};

}  // namespace

SearchResult best_common_plan(const costmodel::Machine& machine, const std::vector<Phase>& phases,
                              GpuCount gpus, const SearchOptions& options,
                              std::vector<costmodel::Evaluation>& phase_evaluations) {
  phase_evaluations.clear();
  CommonSearch s{machine,
                 costmodel::make_machine(costmodel::flatten(machine.hw)),
                 phases,
                 options,
                 static_cast<double>(gpus),
                 {},
                 {}};
  if (gpus < 1 || phases.empty()) return s.best;
  if (!fits_levels(machine.hw.level_sizes, gpus)) {
    s.best.status = costmodel::Status::cluster_levels;
    return s.best;
  }
  const costmodel::Model& shape = phases.back().model;
  const std::int64_t experts = shape.experts;
  const std::int64_t ep = gcd64(static_cast<std::int64_t>(gpus % experts), experts);
  if (gpus / ep > std::numeric_limits<std::int64_t>::max()) return s.best;
  const auto rest = static_cast<std::int64_t>(gpus / ep);
  std::int64_t tokens = 0;
  for (const Phase& p : phases) tokens = gcd64(tokens, p.model.tokens_per_step());
  bool memory_blocked = false;
  const std::vector<std::int64_t> tp_list = s.cache.divisors_of(gcd64(rest, shape.d_model * shape.d_ff));
  for (std::int64_t tp : tp_list) {
    const std::vector<std::int64_t> dp_list = s.cache.divisors_of(gcd64(rest / tp, tokens));
    for (std::int64_t dp : dp_list) {
      const std::int64_t pp = rest / tp / dp;
      if (shape.layers % pp != 0) continue;
      const std::int64_t root = isqrt(tp);
      const std::vector<std::int64_t> tpf_list = s.cache.divisors_of(tp);
      for (std::int64_t tpf : tpf_list) {
        if (tpf < root || tpf > 4 * root) continue;
        const std::int64_t tpm = tp / tpf;
        if (shape.d_model % tpm != 0 || shape.d_ff % tpf != 0) continue;
        if (!costmodel::memory_fits(machine, shape, dp, s.gpus)) {
          memory_blocked = true;
          continue;
        }
        std::int64_t shards = 0;
        for (const Phase& p : phases) shards = gcd64(shards, p.model.tokens_per_step() / (experts * dp));
        for (int zb = 0; zb <= (options.allow_zero_bubble ? 1 : 0); ++zb) {
          const std::int64_t min_m = zb ? 2 * pp : pp;
          const int limit = options.microbatch_candidates == 0 ? std::numeric_limits<int>::max()
                            : zb                               ? 1
                                                               : options.microbatch_candidates;
          const std::vector<std::int64_t> m_list = s.cache.divisors_of(shards);
          int taken = 0;
          for (std::int64_t m : m_list) {
            if (m < min_m) continue;
            if (taken++ >= limit) break;
            const std::int64_t v = (!zb && pp > 1) ? shape.layers / pp : 1;
            s.candidate({dp, tpm, tpf, pp, ep}, m, v, zb != 0, gpus);
          }
        }
      }
    }
  }
  if (!s.best.found()) {
    if (memory_blocked) s.best.status = costmodel::Status::memory;
    return s.best;
  }
  for (const Phase& p : phases)
    phase_evaluations.push_back(costmodel::evaluate(machine, p.model, s.best.plan, options.model));
  s.best.evaluation = phase_evaluations.back();
  return s.best;
}

}  // namespace llmsweep::search
