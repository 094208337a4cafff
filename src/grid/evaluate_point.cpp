#include "grid/evaluate_point.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "search/cluster.hpp"
#include "search/partitions.hpp"

namespace llmsweep::grid {

using costmodel::Kind;
using costmodel::Status;

namespace {

constexpr std::size_t kCachedSearches = 4;

std::uint32_t digit(const Digits& d, Axis a) {
  return d[static_cast<std::size_t>(a)];
}

search::ScalingPolicy policy_for(double ff_ratio, const DepthValue& depth, const ExpertsValue& experts) {
  search::ScalingPolicy p;
  p.ff_ratio = ff_ratio;
  p.depth = depth.law;
  p.experts = experts.rule == ExpertsRule::width_scaled ? search::ExpertsPolicy::width_scaled
                                                        : search::ExpertsPolicy::dense;
  return p;
}

std::int64_t experts_of(const ExpertsValue& e, std::int64_t d_model, std::int64_t d_ff) {
  switch (e.rule) {
    case ExpertsRule::dense:
      return 1;
    case ExpertsRule::width_scaled:
      return search::experts_for(d_model, d_ff, search::ExpertsPolicy::width_scaled);
    case ExpertsRule::count:
      return e.count;
  }
  return 1;
}

// The model without its batch; the batch law needs the compute, which does not depend on it.
costmodel::Model shape_for(std::int64_t d_model, double ff_ratio, const DepthValue& depth,
                           const ExpertsValue& experts) {
  costmodel::Model m;
  m.d_model = d_model;
  m.d_ff = search::ff_for(d_model, ff_ratio);
  m.layers = depth.layers > 0 ? depth.layers : search::depth_for(m.d_model, m.d_ff, depth.law);
  m.experts = experts_of(experts, m.d_model, m.d_ff);
  return m;
}

const DegreeValue& pick(const std::vector<DegreeValue>& v, std::uint32_t i) {
  static const DegreeValue one;
  return v.empty() ? one : v[i];
}

template <class T>
T pick(const std::vector<T>& v, std::uint32_t i, T fallback) {
  return v.empty() ? fallback : v[i];
}

}  // namespace

std::int64_t width_for_compute(double target_flop, const search::ScalingPolicy& policy) {
  static const std::vector<std::int64_t> candidates = [] {
    std::vector<std::int64_t> c;
    for (std::int64_t f = 1; f <= 15; f += 2)
      for (int i = 4; i <= 40; ++i) c.push_back(f << i);
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    return c;
  }();
  const double goal = std::log(target_flop);
  std::int64_t best = candidates.front();
  double best_gap = std::numeric_limits<double>::infinity();
  for (std::int64_t d : candidates) {
    costmodel::Model m;
    m.d_model = d;
    m.d_ff = search::ff_for(d, policy.ff_ratio);
    m.layers = search::depth_for(m.d_model, m.d_ff, policy.depth);
    m.experts = search::experts_for(m.d_model, m.d_ff, policy.experts);
    const double gap = std::fabs(std::log(m.compute_flop()) - goal);
    if (gap < best_gap) {
      best_gap = gap;
      best = d;
    }
  }
  return best;
}

void fill_result(Row& row, const costmodel::Plan& plan, const costmodel::Evaluation& ev) {
  const double steps = ev.steps;
  row.gpus = ev.gpus;
  row.levels = plan.levels;
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto kind = static_cast<Kind>(k);
    row.total[static_cast<std::size_t>(k)] = plan.total(kind);
    for (int l = 0; l < costmodel::kMaxLevels; ++l)
      row.level[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)] =
          l < plan.levels ? plan.at(kind, l) : 1;
  }
  row.microbatches = plan.microbatches;
  row.interleave = plan.interleave;
  row.zero_bubble = plan.zero_bubble ? 1 : 0;
  row.utilization = ev.utilization;
  row.run_s = ev.run_s;
  row.years = ev.run_s / search::kSecondsPerYear;
  row.step_s = ev.step_s;
  row.matmul_s = steps * ev.matmul_s;
  row.busy_s = steps * ev.busy_s;
  row.bubble_s = steps * ev.bubble_s;
  row.exposed_comm_s = steps * ev.exposed_net_s;
  row.exposed_latency_s = steps * ev.exposed_latency_s;
  row.bubble_fraction = ev.bubble_fraction;
  row.tp_comm_s = ev.run_tp_comm_s;
  row.dp_comm_s = ev.run_dp_comm_s;
  row.pp_ep_comm_s = ev.run_pp_ep_comm_s;
  row.tp_latency_s = steps * ev.net.tp_latency_s;
  row.dp_latency_s = steps * ev.net.dp_latency_s;
  row.pp_ep_latency_s = steps * ev.net.pp_ep_latency_s;
  row.latency_s = ev.run_latency_s;
  row.memory_used_bytes = ev.memory_used_bytes;
  row.memory_limit_bytes = ev.memory_limit_bytes;
}

void fill_run_inputs(Row& row, const search::RunTerms& terms) {
  const costmodel::FailureModel& f = terms.failures;
  row.failure_recovery = static_cast<std::uint8_t>(f.recovery);
  if (f.active()) {
    row.gpu_mtbf_hours = f.gpu_mtbf_s / 3600;
    row.restart_time_s = f.restart_s;
    if (f.recovery == costmodel::Recovery::storage) {
      row.checkpoint_write_GBps = f.checkpoint_write_Bps / 1e9;
      row.checkpoint_read_GBps = f.checkpoint_read_Bps / 1e9;
    }
  }
  row.sites = terms.sites.count;
  row.site_crossing = static_cast<std::uint8_t>(terms.sites.crossing);
  if (terms.sites.active()) {
    row.site_bandwidth_GBps = terms.sites.bandwidth_Bps / 1e9;
    row.site_latency_ms = terms.sites.latency_s * 1e3;
  }
  row.ramp_phases = terms.ramp.active() ? static_cast<std::int64_t>(terms.ramp.steps.size()) : 1;
  row.ramp_plans = static_cast<std::uint8_t>(terms.ramp_plans);
}

void fill_plain_run(Row& row) {
  if (std::isnan(row.run_s)) return;
  row.wall_s = row.run_s;
  row.failure_overhead_s = row.checkpoint_s = row.lost_work_s = row.restart_total_s = 0;
  row.expected_failures = 0;
  row.cluster_mtbf_s = std::numeric_limits<double>::infinity();
  row.failure_cap_gpus = std::numeric_limits<double>::infinity();
  row.checkpoint_interval_s = std::numeric_limits<double>::infinity();
  row.wall_utilization = row.utilization;
  row.warmup_s = 0;
  row.first_batch_seqs = row.batch_seqs;
}

void fill_run_result(Row& row, const search::RunResult& r) {
  fill_result(row, r.main().plan, r.main().evaluation);
  row.run_s = r.compute_s;
  row.years = r.wall_s / search::kSecondsPerYear;
  row.utilization = r.utilization;
  row.matmul_s = r.matmul_s;
  row.busy_s = r.busy_s;
  row.bubble_s = r.bubble_s;
  row.exposed_comm_s = r.exposed_comm_s;
  row.exposed_latency_s = r.exposed_latency_s;
  row.tp_comm_s = r.tp_comm_s;
  row.dp_comm_s = r.dp_comm_s;
  row.pp_ep_comm_s = r.pp_ep_comm_s;
  row.tp_latency_s = r.tp_latency_s;
  row.dp_latency_s = r.dp_latency_s;
  row.pp_ep_latency_s = r.pp_ep_latency_s;
  row.latency_s = r.latency_s;
  const costmodel::FailureTimes& f = r.failures;
  row.wall_s = r.wall_s;
  row.failure_overhead_s = f.overhead_s;
  row.checkpoint_s = f.checkpoint_s;
  row.lost_work_s = f.lost_work_s;
  row.restart_total_s = f.restart_s;
  row.checkpoint_interval_s = f.interval_s;
  row.expected_failures = f.failures;
  row.cluster_mtbf_s = f.cluster_mtbf_s;
  row.failure_cap_gpus = r.failure_cap_gpus;
  row.wall_utilization = r.wall_utilization;
  row.warmup_s = r.warmup_s;
  row.first_batch_seqs = r.phases.front().phase.model.batch_seqs;
}

PointEvaluator::PointEvaluator(const Grid& grid) : grid_(grid) {}

const costmodel::Machine& PointEvaluator::machine_for(std::uint32_t hardware, search::ClusterSizes sizes) {
  const costmodel::Machine& base = grid_.axes().hardware[hardware].machine;
  if (sizes != search::ClusterSizes::pow2_domains) return base;
  if (pow2_.size() <= hardware) pow2_.resize(hardware + 1);
  if (!pow2_[hardware])
    pow2_[hardware] =
        std::make_unique<costmodel::Machine>(costmodel::make_machine(search::pow2_domains(base.hw)));
  return *pow2_[hardware];
}

search::PlanSearch& PointEvaluator::search_for(const costmodel::Machine& machine,
                                               const costmodel::Model& model,
                                               const search::SearchOptions& options) {
  for (auto it = searches_.begin(); it != searches_.end(); ++it) {
    const costmodel::Model& m = it->model;
    if (it->machine == &machine && it->options == options && m.d_model == model.d_model &&
        m.d_ff == model.d_ff && m.layers == model.layers && m.experts == model.experts &&
        m.batch_seqs == model.batch_seqs && m.seq_len == model.seq_len) {
      std::rotate(it, it + 1, searches_.end());
      return *searches_.back().search;
    }
  }
  if (searches_.size() == kCachedSearches) searches_.erase(searches_.begin());
  searches_.push_back(
      {&machine, model, options, std::make_unique<search::PlanSearch>(machine, model, options)});
  return *searches_.back().search;
}

void PointEvaluator::evaluate_explicit(const Digits& d, const costmodel::Machine& mc,
                                       const costmodel::Model& model, const search::SearchOptions& options,
                                       Row& row) {
  const ExplicitParallelism& p = *grid_.axes().parallelism;
  const std::array<const DegreeValue*, costmodel::kKinds> values{
      &pick(p.dp, digit(d, Axis::dp)), &pick(p.tp_model, digit(d, Axis::tp_model)),
      &pick(p.tp_ff, digit(d, Axis::tp_ff)), &pick(p.pp, digit(d, Axis::pp)),
      &pick(p.ep, digit(d, Axis::ep))};
  costmodel::Plan plan;
  plan.levels = mc.hw.levels();
  plan.zero_bubble = pick(p.zero_bubble, digit(d, Axis::zero_bubble), false);
  plan.microbatches = pick<std::int64_t>(p.microbatches, digit(d, Axis::microbatches), 1);
  plan.overlap_tp = options.overlap_tp;
  plan.overlap_dp = options.overlap_dp;
  plan.overlap_pp = options.overlap_pp;
  search::KindTotals totals{};
  bool all_fixed = true;
  unsigned __int128 gpus = 1;
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const DegreeValue& v = *values[static_cast<std::size_t>(k)];
    totals[static_cast<std::size_t>(k)] = v.total;
    // Saturates at 2^64 (each total < 2^63), so five totals never wrap 128 bits.
    gpus = std::min(gpus * static_cast<unsigned __int128>(v.total), static_cast<unsigned __int128>(1) << 64);
    all_fixed = all_fixed && !v.per_level.empty();
  }
  const std::int64_t pp = totals[static_cast<std::size_t>(Kind::pp)];
  const std::int64_t interleave = pick<std::int64_t>(p.interleave, digit(d, Axis::interleave), 0);
  if (interleave == 0)
    plan.interleave = (!plan.zero_bubble && pp > 1 && model.layers % pp == 0) ? model.layers / pp : 1;
  else
    plan.interleave = interleave;
  row.status = static_cast<std::uint8_t>(Status::invalid_plan);
  if (gpus > static_cast<unsigned __int128>(std::numeric_limits<std::int64_t>::max())) return;
  const auto n = static_cast<search::GpuCount>(gpus);
  if (!search::fits_levels(mc.hw.level_sizes, n)) {
    row.status = static_cast<std::uint8_t>(Status::cluster_levels);
    return;
  }
  // Check divisibility on the totals (all at the top level) before looking at splits.
  costmodel::Plan flat = plan;
  for (int k = 0; k < costmodel::kKinds; ++k)
    flat.at(static_cast<Kind>(k), plan.levels - 1) = totals[static_cast<std::size_t>(k)];
  if (!costmodel::check_plan(mc.hw, model, flat).empty()) return;
  const double matmul_s = costmodel::step_matmul_time(mc, model, flat, options.model);
  costmodel::Evaluation best;
  costmodel::Plan best_plan;
  bool have = false;
  const auto consider = [&](const costmodel::Plan& candidate) {
    for (int k = 0; k < costmodel::kKinds; ++k) {
      const DegreeValue& v = *values[static_cast<std::size_t>(k)];
      if (v.per_level.empty()) continue;
      for (int l = 0; l < candidate.levels; ++l)
        if (candidate.at(static_cast<Kind>(k), l) != v.per_level[static_cast<std::size_t>(l)]) return;
    }
    if (!costmodel::check_plan(mc.hw, model, candidate).empty()) return;
    const costmodel::Evaluation ev = costmodel::combine(
        mc, model, candidate, matmul_s,
        costmodel::network_times(mc, model, candidate, candidate.gpus(), options.model), options.model);
    if (!have || search::replaces_kept_plan(ev, best)) {
      best = ev;
      best_plan = candidate;
      have = true;
    }
  };
  if (all_fixed) {
    for (int k = 0; k < costmodel::kKinds; ++k)
      for (int l = 0; l < plan.levels; ++l)
        plan.at(static_cast<Kind>(k), l) =
            values[static_cast<std::size_t>(k)]->per_level[static_cast<std::size_t>(l)];
    consider(plan);
  } else {
    search::for_each_partition(divisors_, search::adjusted_level_sizes(mc.hw.level_sizes, n), totals, plan,
                               consider);
  }
  if (!have) return;
  fill_result(row, best_plan, best);
  row.status = static_cast<std::uint8_t>(best.status);
  row.meets_deadline = best.run_s < search::max_run_seconds(row.run_months) ? 1 : 0;
}

Row PointEvaluator::evaluate(std::uint64_t index) {
  const Axes& ax = grid_.axes();
  const Digits d = grid_.digits_at(index);
  Row row;
  row.index = index;
  row.scenario = static_cast<std::int64_t>(grid_.scenario_of(d));
  row.width_index = digit(d, Axis::width);
  const std::uint32_t hw = digit(d, Axis::hardware);
  row.hardware = static_cast<std::uint16_t>(hw);
  const WidthValue& width = ax.width[digit(d, Axis::width)];
  const double ff_ratio = ax.ff_ratio[digit(d, Axis::ff_ratio)];
  const DepthValue& depth = ax.depth[digit(d, Axis::depth)];
  const ExpertsValue& experts = ax.experts[digit(d, Axis::experts)];
  const BatchValue& batch = ax.batch[digit(d, Axis::batch)];
  const double multiplier = ax.batch_multiplier[digit(d, Axis::batch_multiplier)];
  const SearchVariant variant = ax.search[digit(d, Axis::search)];
  search::SearchOptions variant_options;
  search::apply_search_variant(variant, variant_options);
  row.seq_len = ax.seq_len[digit(d, Axis::seq_len)];
  row.run_months = ax.run_months[digit(d, Axis::run_months)];
  row.zero_bubble_allowed = ax.zero_bubble_allowed[digit(d, Axis::zero_bubble_allowed)] ? 1 : 0;
  const costmodel::ModelKind model_kind = ax.model_kind[digit(d, Axis::model)];
  row.model = static_cast<std::uint8_t>(model_kind);
  const costmodel::ZbLatency zb_latency = ax.zb_latency[digit(d, Axis::zb_latency)];
  row.zb_latency = static_cast<std::uint8_t>(zb_latency);
  row.search = static_cast<std::uint8_t>(variant);
  row.prune_flattened = variant_options.prune_flattened ? 1 : 0;
  const search::ClusterSizes sizes = ax.cluster_sizes.empty()
                                         ? search::default_cluster_sizes(model_kind)
                                         : ax.cluster_sizes[digit(d, Axis::cluster_sizes)];
  row.cluster_sizes = static_cast<std::uint8_t>(sizes);
  const costmodel::Machine& mc = machine_for(hw, sizes);
  row.microbatch_candidates = variant_options.microbatch_candidates;
  row.d_ff_ratio = ff_ratio;
  row.experts_rule = static_cast<std::uint8_t>(experts.rule);
  if (depth.layers == 0) {
    row.depth_multiplier = depth.law.multiplier;
    row.depth_exponent = depth.law.exponent ? *depth.law.exponent : kNaN;
  }
  row.requested_gpus = ax.gpus.empty() ? 0 : ax.gpus[digit(d, Axis::gpus)];

  std::int64_t d_model = width.d_model;
  if (d_model == 0) {
    row.target_flop = width.target_flop;
    const auto key = std::make_tuple(width.target_flop, digit(d, Axis::ff_ratio), digit(d, Axis::depth),
                                     digit(d, Axis::experts));
    auto it = widths_.find(key);
    if (it == widths_.end())
      it = widths_.emplace(key, width_for_compute(width.target_flop, policy_for(ff_ratio, depth, experts)))
               .first;
    d_model = it->second;
  }
  costmodel::Model model = shape_for(d_model, ff_ratio, depth, experts);
  model.seq_len = row.seq_len;
  if (batch.tokens > 0) {
    row.batch_rule = static_cast<std::uint8_t>(BatchRule::tokens);
    model.batch_seqs = batch.tokens / model.seq_len;
  } else {
    search::BatchLaw law = batch.law;
    law.multiplier = multiplier;
    row.batch_rule = law.policy == search::BatchPolicy::step_law
                         ? static_cast<std::uint8_t>(BatchRule::step_law)
                         : static_cast<std::uint8_t>(law.policy);
    row.batch_multiplier = multiplier;
    if (law.policy == search::BatchPolicy::power) row.batch_exponent = law.exponent;
    model.batch_seqs = search::batch_for(model.compute_flop(), model.experts, model.seq_len, law);
  }
  row.d_model = model.d_model;
  row.d_ff = model.d_ff;
  row.layers = model.layers;
  row.experts = model.experts;
  row.batch_seqs = model.batch_seqs;
  // Formed before validate_model refuses a batch past 2^53 tokens: saturate, never overflow.
  const auto tokens = static_cast<__int128>(model.batch_seqs) * static_cast<__int128>(model.seq_len);
  row.batch_tokens =
      static_cast<std::int64_t>(std::min<__int128>(tokens, std::numeric_limits<std::int64_t>::max()));
  row.compute_flop = model.compute_flop();
  if (!costmodel::validate_model(model).empty()) {
    row.status = static_cast<std::uint8_t>(Status::invalid_plan);
    return row;
  }

  search::SearchOptions options;
  options.model.zb_latency = zb_latency;
  options.model.model_kind = model_kind;
  options.allow_zero_bubble = row.zero_bubble_allowed != 0;
  options.overlap_tp = ax.overlap_tp;
  options.overlap_dp = ax.overlap_dp;
  options.overlap_pp = ax.overlap_pp;
  search::apply_search_variant(variant, options);
  const double max_run_s = search::max_run_seconds(row.run_months);

  if (model_kind == costmodel::ModelKind::reference && !costmodel::extended_requirement(mc.hw).empty()) {
    row.status = static_cast<std::uint8_t>(Status::needs_extended);
    return row;
  }

  // Extended run-level terms (docs/MODEL-EXTENDED.md E5-E7): config/ checked every combination.
  search::RunTerms terms;
  const auto run_problem =
      search::resolve_run_terms(grid_.axes().hardware[hw].machine.hw,
                                run_inputs(ax.failures[digit(d, Axis::failures)],
                                           ax.sites[digit(d, Axis::sites)], ax.ramp[digit(d, Axis::ramp)]),
                                terms);
  if (model_kind != costmodel::ModelKind::extended || run_problem) terms = {};
  row.ramp_index = digit(d, Axis::ramp);
  fill_run_inputs(row, terms);
  if (terms.active()) {
    const search::RunResult r =
        ax.gpus.empty()
            ? search::smallest_run(grid_.axes().hardware[hw].machine, model, options, terms, max_run_s, sizes)
            : search::RunSearch(mc, model, options, terms).best(row.requested_gpus);
    row.status = static_cast<std::uint8_t>(r.status);
    if (r.found()) {
      fill_run_result(row, r);
      row.meets_deadline = r.wall_s < max_run_s ? 1 : 0;
    }
    return row;
  }

  if (ax.parallelism) {
    evaluate_explicit(d, mc, model, options, row);
    fill_plain_run(row);
    return row;
  }
  search::PlanSearch& search = search_for(mc, model, options);
  if (ax.gpus.empty()) {
    search::ClusterResult r;
    if (sizes == search::ClusterSizes::domains) {
      const costmodel::Machine& view = machine_for(hw, search::ClusterSizes::pow2_domains);
      search::PlanSearch& pow2 =
          view.hw.level_sizes == mc.hw.level_sizes ? search : search_for(view, model, options);
      r = search::smallest_cluster_domains(search, mc, pow2, model, max_run_s);
    } else {
      r = search::smallest_cluster(search, mc, model, max_run_s, sizes);
    }
    row.status = static_cast<std::uint8_t>(r.status);
    if (r.found()) {
      fill_result(row, r.plan, r.evaluation);
      row.meets_deadline = 1;
    }
    fill_plain_run(row);
    return row;
  }
  const search::SearchResult r = search.best(row.requested_gpus);
  row.status = static_cast<std::uint8_t>(r.status);
  if (r.found()) {
    fill_result(row, r.plan, r.evaluation);
    row.meets_deadline = r.evaluation.run_s < max_run_s ? 1 : 0;
  }
  fill_plain_run(row);
  return row;
}

}  // namespace llmsweep::grid
