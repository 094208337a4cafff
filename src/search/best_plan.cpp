#include "search/best_plan.hpp"

#include <limits>

#include "costmodel/matmul.hpp"
#include "search/partitions.hpp"

namespace llmsweep::search {

using costmodel::Evaluation;
using costmodel::Kind;
using costmodel::Plan;
using costmodel::Status;

// Both orders are the original's on purpose (quirk Q4): the candidate's comm times are added
// TP, DP, PE and the kept plan's TP, PE, DP.
bool replaces_kept_plan(const Evaluation& candidate, const Evaluation& kept) {
  if (candidate.run_s < kept.run_s) return true;
  if (candidate.run_s != kept.run_s) return false;
  const double candidate_sum =
      (candidate.run_tp_comm_s + candidate.run_dp_comm_s) + candidate.run_pp_ep_comm_s;
  const double kept_sum = (kept.run_tp_comm_s + kept.run_pp_ep_comm_s) + kept.run_dp_comm_s;
  return candidate_sum < kept_sum;
}

std::vector<std::int64_t> adjusted_level_sizes(const std::vector<std::int64_t>& level_sizes, GpuCount gpus) {
  std::vector<std::int64_t> out(level_sizes.size(), 1);
  GpuCount running = 1;
  for (std::size_t k = 0; k < level_sizes.size(); ++k) {
    if (running * level_sizes[k] < gpus) {
      out[k] = level_sizes[k];
      running *= level_sizes[k];
    } else {
      out[k] = static_cast<std::int64_t>(gpus / running);
      break;
    }
  }
  return out;
}

bool fits_levels(const std::vector<std::int64_t>& level_sizes, GpuCount gpus) {
  GpuCount below = 1;
  for (std::int64_t size : level_sizes) {
    below *= size;
    if (gpus > below && gpus % below != 0) return false;
  }
  return true;
}

std::size_t PlanSearch::ShardHash::operator()(const ShardKey& k) const {
  std::uint64_t h = static_cast<std::uint64_t>(k.fs) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::uint64_t>(k.ds) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<std::uint64_t>(k.bs) + 0x85EBCA77C2B2AE63ULL + (h << 6) + (h >> 2);
  return static_cast<std::size_t>(h);
}

PlanSearch::PlanSearch(const costmodel::Machine& machine, const costmodel::Model& model,
                       const SearchOptions& options)
    : machine_(machine),
      flat_(costmodel::make_machine(costmodel::flatten(machine.hw))),
      model_(model),
      options_(options) {}

double PlanSearch::step_matmul(const Totals& t) {
  const ShardKey key{model_.d_ff / t.tp_ff, model_.d_model / t.tp_model,
                     model_.tokens_per_step() / (t.dp * t.microbatches * model_.experts)};
  auto it = layer_time_.find(key);
  if (it == layer_time_.end())
    it = layer_time_
             .emplace(key, costmodel::layer_matmul_time(machine_, key.fs, key.ds, key.bs,
                                                        options_.model.model_kind))
             .first;
  return static_cast<double>(model_.layers / t.pp) * static_cast<double>(model_.experts / t.ep) *
         static_cast<double>(t.microbatches) * it->second;
}

namespace {

Plan plan_skeleton(int levels, bool zero_bubble, std::int64_t microbatches, std::int64_t interleave,
                   const SearchOptions& o) {
  Plan p;
  p.levels = levels;
  p.microbatches = microbatches;
  p.interleave = interleave;
  p.zero_bubble = zero_bubble;
  p.overlap_tp = o.overlap_tp;
  p.overlap_dp = o.overlap_dp;
  p.overlap_pp = o.overlap_pp;
  return p;
}

}  // namespace

void PlanSearch::consider(const Plan& plan, double matmul_s, SearchResult& best) {
  if (!top_level_allowed(plan, options_.top_level_kinds)) return;
  ++evaluations_;
  const double gpus = plan.gpus();
  const Evaluation ev = costmodel::combine(
      machine_, model_, plan, matmul_s,
      costmodel::network_times(machine_, model_, plan, gpus, options_.model), options_.model);
  if (!best.found() || replaces_kept_plan(ev, best.evaluation)) {
    best.status = Status::ok;
    best.plan = plan;
    best.evaluation = ev;
  }
}

void PlanSearch::try_partitions(const Totals& t, GpuCount gpus, double matmul_s, SearchResult& best) {
  adjusted_ = adjusted_level_sizes(machine_.hw.level_sizes, gpus);
  Plan plan = plan_skeleton(machine_.hw.levels(), t.zero_bubble, t.microbatches, t.interleave, options_);
  const KindTotals totals{t.dp, t.tp_model, t.tp_ff, t.pp, t.ep};
  for_each_partition(cache_, adjusted_, totals, plan, [&](const Plan& p) { consider(p, matmul_s, best); });
}

SearchResult PlanSearch::best(GpuCount gpus) {
  SearchResult best;
  if (gpus < 1) return best;
  if (options_.model.model_kind == costmodel::ModelKind::reference &&
      !costmodel::extended_requirement(machine_.hw).empty()) {
    best.status = Status::needs_extended;
    return best;
  }
  if (!fits_levels(machine_.hw.level_sizes, gpus)) {
    best.status = Status::cluster_levels;
    return best;
  }
  const std::int64_t experts = model_.experts;
  const std::int64_t ep = gcd64(static_cast<std::int64_t>(gpus % experts), experts);
  const GpuCount rest_wide = gpus / ep;
  if (rest_wide > std::numeric_limits<std::int64_t>::max()) return best;
  const auto rest = static_cast<std::int64_t>(rest_wide);
  const double gpus_d = static_cast<double>(gpus);
  const std::int64_t tokens = model_.tokens_per_step();
  const std::int64_t width_product = model_.d_model * model_.d_ff;
  bool memory_blocked = false;

  // Copy: the cache may grow (and move its lists) while we iterate.
  const std::vector<std::int64_t> tp_list = cache_.divisors_of(gcd64(rest, width_product));
  for (std::int64_t tp : tp_list) {
    const std::vector<std::int64_t> dp_list = cache_.divisors_of(gcd64(rest / tp, tokens));
    for (std::int64_t dp : dp_list) {
      const std::int64_t pp = rest / tp / dp;
      if (model_.layers % pp != 0) continue;
      const std::int64_t root = isqrt(tp);
      const std::vector<std::int64_t> tpf_list = cache_.divisors_of(tp);
      for (std::int64_t tpf : tpf_list) {
        if (tpf < root || tpf > 4 * root) continue;
        const std::int64_t tpm = tp / tpf;
        if (model_.d_model % tpm != 0 || model_.d_ff % tpf != 0) continue;
        if (!costmodel::memory_fits(machine_, model_, dp, gpus_d)) {
          memory_blocked = true;
          continue;
        }
        for (int zb = 0; zb <= (options_.allow_zero_bubble ? 1 : 0); ++zb) {
          const std::int64_t min_m = zb ? 2 * pp : pp;
          const int limit = options_.microbatch_candidates == 0 ? std::numeric_limits<int>::max()
                            : zb                                ? 1
                                                                : options_.microbatch_candidates;
          const std::vector<std::int64_t> m_list = cache_.divisors_of(tokens / (experts * dp));
          int taken = 0;
          for (std::int64_t m : m_list) {
            if (m < min_m) continue;
            if (taken++ >= limit) break;
            const Totals t{dp, tpm, tpf, pp, ep, m, (!zb && pp > 1) ? model_.layers / pp : 1, zb != 0};
            const double matmul_s = step_matmul(t);
            if (options_.prune_flattened) {
              Plan flat = plan_skeleton(1, t.zero_bubble, m, t.interleave, options_);
              flat.at(Kind::dp, 0) = dp;
              flat.at(Kind::tp_model, 0) = tpm;
              flat.at(Kind::tp_ff, 0) = tpf;
              flat.at(Kind::pp, 0) = pp;
              flat.at(Kind::ep, 0) = ep;
              ++evaluations_;
              const Evaluation fe = costmodel::combine(
                  flat_, model_, flat, matmul_s,
                  costmodel::network_times(flat_, model_, flat, gpus_d, options_.model), options_.model);
              if (best.found() && !(fe.run_s <= best.evaluation.run_s)) continue;
            }
            try_partitions(t, gpus, matmul_s, best);
          }
        }
      }
    }
  }
  if (!best.found() && memory_blocked) best.status = Status::memory;
  return best;
}

SearchResult best_plan(const costmodel::Machine& machine, const costmodel::Model& model, GpuCount gpus,
                       const SearchOptions& options) {
  PlanSearch search(machine, model, options);
  return search.best(gpus);
}

std::string_view search_variant_name(SearchVariant v) {
  switch (v) {
    case SearchVariant::reference:
      return "reference";
    case SearchVariant::exhaustive:
      return "exhaustive";
    case SearchVariant::all_microbatches:
      return "all-microbatches";
    case SearchVariant::corrected:
      return "corrected";
  }
  return "?";
}

std::optional<SearchVariant> search_variant_from_name(std::string_view name) {
  for (SearchVariant v : kAllSearchVariants)
    if (name == search_variant_name(v)) return v;
  return std::nullopt;
}

void apply_search_variant(SearchVariant v, SearchOptions& o) {
  o.prune_flattened = v == SearchVariant::reference || v == SearchVariant::all_microbatches;
  o.microbatch_candidates = v == SearchVariant::reference || v == SearchVariant::exhaustive ? 4 : 0;
}

std::optional<SearchVariant> search_variant_of(bool prune_flattened, int microbatch_candidates) {
  for (SearchVariant v : kAllSearchVariants) {
    SearchOptions o;
    apply_search_variant(v, o);
    if (o.prune_flattened == prune_flattened && o.microbatch_candidates == microbatch_candidates) return v;
  }
  return std::nullopt;
}

}  // namespace llmsweep::search
