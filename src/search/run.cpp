#include "search/run.hpp"

#include <algorithm>
#include <limits>

#include "costmodel/sites.hpp"

namespace llmsweep::search {

using costmodel::Evaluation;
using costmodel::Kind;
using costmodel::Status;

namespace {

std::optional<RunProblem> problem(const char* field, std::string message) {
  return RunProblem{field, std::move(message)};
}

std::optional<RunProblem> resolve_failures(const costmodel::Hardware& hw, const RunInputs& in,
                                           costmodel::FailureModel& out) {
  const std::optional<costmodel::FailureModel>& p = hw.failures;
  out = {};
  out.recovery = in.recovery ? *in.recovery : (p ? p->recovery : costmodel::Recovery::none);
  const bool numbers = in.gpu_mtbf_s || in.checkpoint_write_Bps || in.checkpoint_read_Bps || in.restart_s;
  if (!out.active()) {
    if (numbers && !in.recovery)
      return problem("recovery", "failure inputs need a recovery mode (storage or peer): " + hw.name +
                                     " has no [failures] table to take it from");
    return std::nullopt;
  }
  // Values given are checked before missing ones are asked for, so a bad value is what is reported.
  costmodel::FailureModel inputs = out;
  inputs.gpu_mtbf_s = in.gpu_mtbf_s.value_or(1);
  inputs.restart_s = in.restart_s.value_or(0);
  inputs.checkpoint_write_Bps = in.checkpoint_write_Bps.value_or(1);
  inputs.checkpoint_read_Bps = in.checkpoint_read_Bps.value_or(1);
  if (const auto bad = costmodel::check_failure_model(inputs))
    return problem(bad->field.c_str(), bad->message);
  const auto pick = [&](const std::optional<double>& given, double costmodel::FailureModel::*field,
                        const char* name, double& into) -> std::optional<RunProblem> {
    if (given)
      into = *given;
    else if (p)
      into = (*p).*field;
    else
      return problem(name, "needs a value: " + hw.name + " has no [failures] table");
    return std::nullopt;
  };
  if (auto e = pick(in.gpu_mtbf_s, &costmodel::FailureModel::gpu_mtbf_s, "mtbf", out.gpu_mtbf_s)) return e;
  if (auto e = pick(in.restart_s, &costmodel::FailureModel::restart_s, "restart", out.restart_s)) return e;
  if (out.recovery == costmodel::Recovery::storage) {
    if (auto e = pick(in.checkpoint_write_Bps, &costmodel::FailureModel::checkpoint_write_Bps,
                      "checkpoint_write", out.checkpoint_write_Bps))
      return e;
    if (auto e = pick(in.checkpoint_read_Bps, &costmodel::FailureModel::checkpoint_read_Bps,
                      "checkpoint_read", out.checkpoint_read_Bps))
      return e;
  }
  if (const auto bad = costmodel::check_failure_model(out)) return problem(bad->field.c_str(), bad->message);
  return std::nullopt;
}

std::optional<RunProblem> resolve_sites(const costmodel::Hardware& hw, const RunInputs& in,
                                        costmodel::SiteLevel& out) {
  const std::optional<costmodel::SiteLevel>& p = hw.sites;
  out = {};
  out.count = in.sites ? *in.sites : (p ? p->count : 1);
  if (out.count < 1) return problem("sites", "must be >= 1, got " + std::to_string(out.count));
  if (!out.active()) return std::nullopt;
  if (in.site_bandwidth_Bps)
    out.bandwidth_Bps = *in.site_bandwidth_Bps;
  else if (p)
    out.bandwidth_Bps = p->bandwidth_Bps;
  else
    return problem("site_bandwidth", "needs a value: " + hw.name + " has no [sites] table");
  if (in.site_latency_s)
    out.latency_s = *in.site_latency_s;
  else if (p)
    out.latency_s = p->latency_s;
  else
    return problem("site_latency", "needs a value: " + hw.name + " has no [sites] table");
  out.crossing = in.site_crossing ? *in.site_crossing : (p ? p->crossing : costmodel::SiteCrossing::dp);
  if (const auto bad = costmodel::check_site_level(hw, out)) {
    const std::string field = bad->field == "count" ? "sites" : "site_" + bad->field;
    return RunProblem{field, bad->message};
  }
  return std::nullopt;
}

std::uint8_t crossing_mask(costmodel::SiteCrossing crossing) {
  std::uint8_t mask = 0;
  for (int k = 0; k < costmodel::kKinds; ++k)
    if (costmodel::crosses_sites(crossing, static_cast<Kind>(k)))
      mask = static_cast<std::uint8_t>(mask | (1u << k));
  return mask;
}

// Sums, failure terms and utilizations of a run whose phases are filled in.
void finish(RunResult& r, const costmodel::Machine& base, const costmodel::Model& model,
            const RunTerms& terms) {
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const double f = r.phases[i].phase.tokens_fraction;
    const Evaluation& ev = r.phases[i].evaluation;
    const double steps = ev.steps;
    r.compute_s += f * ev.run_s;
    if (i + 1 < r.phases.size()) r.warmup_s += f * ev.run_s;
    r.matmul_s += f * (steps * ev.matmul_s);
    r.busy_s += f * (steps * ev.busy_s);
    r.bubble_s += f * (steps * ev.bubble_s);
    r.exposed_comm_s += f * (steps * ev.exposed_net_s);
    r.exposed_latency_s += f * (steps * ev.exposed_latency_s);
    r.tp_comm_s += f * ev.run_tp_comm_s;
    r.dp_comm_s += f * ev.run_dp_comm_s;
    r.pp_ep_comm_s += f * ev.run_pp_ep_comm_s;
    r.tp_latency_s += f * (steps * ev.net.tp_latency_s);
    r.dp_latency_s += f * (steps * ev.net.dp_latency_s);
    r.pp_ep_latency_s += f * (steps * ev.net.pp_ep_latency_s);
    r.latency_s += f * ev.run_latency_s;
  }
  const double ideal_s = model.compute_flop() / (base.peak_flops * r.gpus);
  r.utilization = r.phases.size() == 1 ? r.phases.front().evaluation.utilization : ideal_s / r.compute_s;
  r.failures = costmodel::failure_times(terms.failures, r.compute_s, r.gpus,
                                        costmodel::checkpoint_bytes(model, base.word_bytes),
                                        base.hw.link_bandwidth_Bps.back());
  r.failure_cap_gpus = costmodel::failure_cap_gpus(
      terms.failures, costmodel::checkpoint_bytes(model, base.word_bytes), base.hw.link_bandwidth_Bps.back());
  r.wall_s = r.failures.wall_s;
  r.wall_utilization = r.wall_s == r.compute_s ? r.utilization : r.utilization * (r.compute_s / r.wall_s);
}

}  // namespace

std::optional<RunProblem> resolve_run_terms(const costmodel::Hardware& hw, const RunInputs& inputs,
                                            RunTerms& terms) {
  terms = {};
  if (auto e = resolve_failures(hw, inputs, terms.failures)) return e;
  if (auto e = resolve_sites(hw, inputs, terms.sites)) return e;
  if (auto e = check_ramp(inputs.ramp)) return problem("ramp", *e);
  terms.ramp = inputs.ramp;
  terms.ramp_plans = inputs.ramp_plans;
  return std::nullopt;
}

costmodel::Hardware run_hardware(const costmodel::Hardware& hw, const RunTerms& terms, double gpus) {
  if (!terms.sites.active()) return hw;
  const auto per_site = static_cast<std::int64_t>(gpus / static_cast<double>(terms.sites.count));
  return costmodel::with_site_level(hw, terms.sites, per_site);
}

struct RunSearch::Impl {
  const costmodel::Machine& machine;
  costmodel::Model model;
  SearchOptions options;
  RunTerms terms;
  std::vector<Phase> phases;
  std::vector<std::unique_ptr<PlanSearch>> searches;  // per phase, on `machine` or the site machine
  std::int64_t site_gpus = 0;                         // per-site size the site machine is for
  std::unique_ptr<costmodel::Machine> site_machine;

  // The machine for N GPUs (the site machine with sites), or nullptr when N does not fit.
  const costmodel::Machine* machine_for(GpuCount gpus) {
    if (!terms.sites.active()) return &machine;
    const GpuCount k = terms.sites.count;
    if (gpus % k != 0 || gpus / k > std::numeric_limits<std::int64_t>::max()) return nullptr;
    const auto n = static_cast<std::int64_t>(gpus / k);
    if (!fits_levels(machine.hw.level_sizes, n)) return nullptr;
    if (n != site_gpus || !site_machine) {
      site_machine = std::make_unique<costmodel::Machine>(
          costmodel::make_machine(costmodel::with_site_level(machine.hw, terms.sites, n)));
      site_gpus = n;
      searches.clear();
    }
    return site_machine.get();
  }

  RunResult best(GpuCount gpus) {
    RunResult r;
    r.gpus = static_cast<double>(gpus);
    if (gpus < 1) return r;
    const costmodel::Machine* mc = machine_for(gpus);
    if (!mc) {
      r.status = Status::cluster_levels;
      return r;
    }
    if (terms.ramp_plans == RampPlans::one_plan && phases.size() > 1) {
      std::vector<Evaluation> evs;
      const SearchResult sr = best_common_plan(*mc, phases, gpus, options, evs);
      if (!sr.found()) {
        r.status = sr.status;
        return r;
      }
      for (std::size_t i = 0; i < phases.size(); ++i) r.phases.push_back({phases[i], sr.plan, evs[i]});
    } else {
      if (searches.empty())
        for (const Phase& p : phases) searches.push_back(std::make_unique<PlanSearch>(*mc, p.model, options));
      for (std::size_t i = 0; i < phases.size(); ++i) {
        const SearchResult sr = searches[i]->best(gpus);
        if (!sr.found()) {
          r.status = sr.status;
          r.phases.clear();
          return r;
        }
        r.phases.push_back({phases[i], sr.plan, sr.evaluation});
      }
    }
    r.status = Status::ok;
    finish(r, machine, model, terms);
    return r;
  }
};

RunSearch::RunSearch(const costmodel::Machine& machine, const costmodel::Model& model,
                     const SearchOptions& options, const RunTerms& terms)
    : impl_(std::make_unique<Impl>(
          Impl{machine, model, options, terms, phases_of(model, terms.ramp), {}, 0, {}})) {
  if (terms.sites.active()) impl_->options.top_level_kinds = crossing_mask(terms.sites.crossing);
}

RunSearch::~RunSearch() = default;

RunResult RunSearch::best(GpuCount gpus) {
  return impl_->best(gpus);
}

RunResult RunSearch::smallest(double max_run_s, ClusterSizes sizes) {
  const Impl& s = *impl_;
  const costmodel::Machine& mc = s.machine;
  const double compute = s.model.compute_flop();
  const double min_gpus = compute / (max_run_s * mc.flops);
  const GpuCount k = s.terms.sites.count;
  std::vector<GpuCount> candidates;
  for (int i = 0; i < 60; ++i) {
    const GpuCount n = k * cluster_candidate(mc.hw, s.model.experts, i, sizes);
    if (n > 0 && (candidates.empty() || n > candidates.back())) candidates.push_back(n);
  }
  // A lower bound on the wall time of each candidate: its ideal compute time with the failure
  // overhead on top (the wall time grows with the compute time). Where no later candidate's
  // bound is under the deadline, none of them can meet it.
  std::vector<double> bound_after(candidates.size() + 1, std::numeric_limits<double>::infinity());
  for (std::size_t i = candidates.size(); i-- > 0;) {
    const double n = static_cast<double>(candidates[i]);
    const double bound = s.terms.failures.active()
                             ? costmodel::failure_times(s.terms.failures, compute / (mc.peak_flops * n), n,
                                                        costmodel::checkpoint_bytes(s.model, mc.word_bytes),
                                                        mc.hw.link_bandwidth_Bps.back())
                                   .wall_s
                             : 0.0;
    bound_after[i] = std::min(bound, bound_after[i + 1]);
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (static_cast<double>(candidates[i]) < min_gpus) continue;
    if (!(bound_after[i] < max_run_s)) break;
    RunResult r = impl_->best(candidates[i]);
    if (r.found() && r.wall_s < max_run_s) return r;
  }
  RunResult none;
  none.status = Status::deadline;
  return none;
}

RunResult smallest_run(const costmodel::Machine& machine, const costmodel::Model& model,
                       const SearchOptions& options, const RunTerms& terms, double max_run_s,
                       ClusterSizes sizes) {
  if (sizes != ClusterSizes::pow2_domains && sizes != ClusterSizes::domains)
    return RunSearch(machine, model, options, terms).smallest(max_run_s, sizes);
  const costmodel::Machine view = costmodel::make_machine(pow2_domains(machine.hw));
  const bool same = view.hw.level_sizes == machine.hw.level_sizes;
  if (sizes == ClusterSizes::pow2_domains)
    return RunSearch(same ? machine : view, model, options, terms)
        .smallest(max_run_s, ClusterSizes::powers_of_two);
  if (same) return RunSearch(machine, model, options, terms).smallest(max_run_s, ClusterSizes::fill_levels);
  RunResult whole = RunSearch(machine, model, options, terms).smallest(max_run_s, ClusterSizes::fill_levels);
  RunResult pow2 = RunSearch(view, model, options, terms).smallest(max_run_s, ClusterSizes::powers_of_two);
  pow2.whole_domains = false;
  if (!pow2.found() || (whole.found() && whole.gpus <= pow2.gpus)) return whole;
  return pow2;
}

std::string check_run_plan(const costmodel::Hardware& hw, const costmodel::Model& model,
                           const costmodel::Plan& plan, const RunTerms& terms) {
  if (terms.sites.active()) {
    const double k = static_cast<double>(terms.sites.count);
    const double n = plan.gpus() / k;
    if (n != static_cast<double>(static_cast<std::int64_t>(n)))
      return "the plan's " + std::to_string(static_cast<long long>(plan.gpus())) +
             " GPUs are not a multiple of " + std::to_string(terms.sites.count) + " sites";
    if (!fits_levels(hw.level_sizes, static_cast<std::int64_t>(n)))
      return "a site of " + std::to_string(static_cast<long long>(n)) + " GPUs does not fill " + hw.name +
             "'s network levels";
  }
  const costmodel::Hardware run_hw = run_hardware(hw, terms, plan.gpus());
  if (terms.sites.active()) {
    if (plan.levels != run_hw.levels())
      return "with " + std::to_string(terms.sites.count) + " sites the plan needs " +
             std::to_string(run_hw.levels()) + " levels (the site level last), got " +
             std::to_string(plan.levels);
    for (int k = 0; k < costmodel::kKinds; ++k) {
      const auto kind = static_cast<Kind>(k);
      if (!costmodel::crosses_sites(terms.sites.crossing, kind) && plan.at(kind, plan.levels - 1) > 1)
        return std::string(kind_name(kind)) + " degree at the site level must be 1: only " +
               std::string(costmodel::site_crossing_name(terms.sites.crossing)) + " may cross sites";
    }
    std::int64_t across = 1;
    for (int k = 0; k < costmodel::kKinds; ++k) across *= plan.at(static_cast<Kind>(k), plan.levels - 1);
    if (across != terms.sites.count)
      return "the degrees at the site level multiply to " + std::to_string(across) + ", not the " +
             std::to_string(terms.sites.count) + " sites";
  }
  for (const Phase& p : phases_of(model, terms.ramp))
    if (std::string why = costmodel::check_plan(run_hw, p.model, plan); !why.empty())
      return terms.ramp.active()
                 ? "at the ramp's batch of " + std::to_string(p.model.batch_seqs) + " sequences: " + why
                 : why;
  return {};
}

RunResult evaluate_run(const costmodel::Machine& machine, const costmodel::Model& model,
                       const costmodel::Plan& plan, const costmodel::Options& options,
                       const RunTerms& terms) {
  RunResult r;
  r.gpus = plan.gpus();
  const costmodel::Machine mc = costmodel::make_machine(run_hardware(machine.hw, terms, r.gpus));
  r.status = Status::ok;
  for (const Phase& p : phases_of(model, terms.ramp)) {
    const Evaluation ev = costmodel::evaluate(mc, p.model, plan, options);
    if (ev.status != Status::ok) r.status = ev.status;
    r.phases.push_back({p, plan, ev});
  }
  finish(r, machine, model, terms);
  return r;
}

}  // namespace llmsweep::search
