#include "cli/run_options.hpp"

#include <CLI/CLI.hpp>
#include <cmath>

#include "cli/format.hpp"
#include "common/error.hpp"
#include "search/cluster.hpp"

namespace llmsweep::cli {
namespace {

enum Given { recovery, mtbf, write, read, restart, sites, bandwidth, latency, crossing, ramp, plans };
const char* const kNames[] = {"--recovery",
                              "--mtbf-gpu-hours",
                              "--checkpoint-write-GBps",
                              "--checkpoint-read-GBps",
                              "--restart-s",
                              "--sites",
                              "--site-bandwidth-GBps",
                              "--site-latency-ms",
                              "--site-crossing",
                              "--ramp",
                              "--ramp-plans"};

bool has(const RunArgs& a, Given g) {
  return a.given[g] && a.given[g]->count() > 0;
}

double positive(Given g, double v, bool allow_zero) {
  if (!std::isfinite(v) || v < 0 || (v == 0 && !allow_zero))
    throw UsageError(std::string(kNames[g]) + " must be " + (allow_zero ? ">= 0" : "> 0") + ", got " +
                     std::to_string(v));
  return v;
}

// The option a problem of search::resolve_run_terms is about.
const char* option_of(const std::string& field) {
  if (field == "recovery") return kNames[recovery];
  if (field == "mtbf") return kNames[mtbf];
  if (field == "checkpoint_write") return kNames[write];
  if (field == "checkpoint_read") return kNames[read];
  if (field == "restart") return kNames[restart];
  if (field == "sites") return kNames[sites];
  if (field == "site_bandwidth") return kNames[bandwidth];
  if (field == "site_latency") return kNames[latency];
  return kNames[ramp];
}

search::RunInputs inputs_of(const RunArgs& a) {
  search::RunInputs in;
  if (has(a, recovery)) {
    in.recovery = costmodel::recovery_from_name(a.recovery);
    if (!in.recovery) throw UsageError("--recovery must be none, storage or peer, got '" + a.recovery + "'");
  }
  if (has(a, mtbf)) in.gpu_mtbf_s = positive(mtbf, a.mtbf_gpu_hours, false) * 3600;
  if (has(a, write)) in.checkpoint_write_Bps = positive(write, a.checkpoint_write_GBps, false) * 1e9;
  if (has(a, read)) in.checkpoint_read_Bps = positive(read, a.checkpoint_read_GBps, false) * 1e9;
  if (has(a, restart)) in.restart_s = positive(restart, a.restart_s, true);
  if (has(a, sites)) {
    if (a.sites < 1) throw UsageError("--sites must be >= 1, got " + std::to_string(a.sites));
    in.sites = a.sites;
  }
  if (has(a, bandwidth)) in.site_bandwidth_Bps = positive(bandwidth, a.site_bandwidth_GBps, false) * 1e9;
  if (has(a, latency)) in.site_latency_s = positive(latency, a.site_latency_ms, true) / 1e3;
  if (has(a, crossing)) {
    in.site_crossing = costmodel::site_crossing_from_name(a.site_crossing);
    if (!in.site_crossing)
      throw UsageError("--site-crossing must be dp or dp-pp, got '" + a.site_crossing + "'");
  }
  if (has(a, ramp)) {
    const auto r = search::parse_ramp(a.ramp);
    if (!r)
      throw UsageError(
          "--ramp must be FRACTION:FACTOR pairs separated by commas (e.g. 0.0317:0.2,1:1) or none, got '" +
          a.ramp + "'");
    if (auto why = search::check_ramp(*r)) throw UsageError("--ramp: " + *why);
    in.ramp = *r;
  }
  const auto p = search::ramp_plans_from_name(a.ramp_plans);
  if (!p) throw UsageError("--ramp-plans must be per-phase or one-plan, got '" + a.ramp_plans + "'");
  in.ramp_plans = *p;
  return in;
}

std::string percent(double part, double whole) {
  return whole > 0 && std::isfinite(part) ? fixed(100 * part / whole, 2) + " %" : "-";
}

}  // namespace

void add_run_options(CLI::App* sub, RunArgs& a) {
  const char* group = "Extended model: failures, sites, batch ramps (docs/MODEL-EXTENDED.md E4-E6)";
  a.given[recovery] =
      sub->add_option(kNames[recovery], a.recovery,
                      "Failure recovery: none, storage or peer (default: the profile's [failures])")
          ->group(group);
  a.given[mtbf] =
      sub->add_option(kNames[mtbf], a.mtbf_gpu_hours, "Mean time between failures of one GPU, hours")
          ->group(group);
  a.given[write] = sub->add_option(kNames[write], a.checkpoint_write_GBps,
                                   "Storage write bandwidth of the whole cluster, GB/s")
                       ->group(group);
  a.given[read] = sub->add_option(kNames[read], a.checkpoint_read_GBps,
                                  "Storage read bandwidth of the whole cluster, GB/s")
                      ->group(group);
  a.given[restart] =
      sub->add_option(kNames[restart], a.restart_s, "Time per failure besides reading the state back, s")
          ->group(group);
  a.given[sites] =
      sub->add_option(kNames[sites], a.sites, "Sites the cluster spans (1 = one site)")->group(group);
  a.given[bandwidth] = sub->add_option(kNames[bandwidth], a.site_bandwidth_GBps,
                                       "Per-GPU bidirectional bandwidth between sites, GB/s")
                           ->group(group);
  a.given[latency] =
      sub->add_option(kNames[latency], a.site_latency_ms, "Latency of one hop between sites, ms")
          ->group(group);
  a.given[crossing] =
      sub->add_option(kNames[crossing], a.site_crossing, "What may cross sites: dp (default) or dp-pp")
          ->group(group);
  a.given[ramp] =
      sub->add_option(kNames[ramp], a.ramp,
                      "Batch ramp: FRACTION:FACTOR steps, e.g. 0.0317:0.2,1:1 (DeepSeek-V3's 3072 -> 15360)")
          ->group(group);
  a.given[plans] =
      sub->add_option(kNames[plans], a.ramp_plans,
                      "Ramp phases on their own best plans (per-phase) or on one plan (one-plan)")
          ->group(group)
          ->capture_default_str();
}

search::RunTerms run_terms(const RunArgs& a, const costmodel::Hardware& hw, costmodel::ModelKind model) {
  const search::RunInputs in = inputs_of(a);
  if (model != costmodel::ModelKind::extended) {
    for (int g = 0; g < 11; ++g)
      if (has(a, static_cast<Given>(g)))
        throw UsageError(std::string(kNames[g]) + " belongs to the extended model: add --model extended");
    return {};
  }
  search::RunTerms terms;
  if (const auto bad = search::resolve_run_terms(hw, in, terms))
    throw UsageError(std::string(option_of(bad->field)) + ": " + bad->message);
  return terms;
}

void refuse_run_terms(const costmodel::Hardware& hw, costmodel::ModelKind model, const char* command) {
  if (model != costmodel::ModelKind::extended) return;
  search::RunTerms terms;
  if (search::resolve_run_terms(hw, {}, terms) || terms.active())
    throw UsageError(
        std::string(command) + " does not support run-level terms yet: " + hw.name +
        "'s [failures] or [sites] table is on under --model extended (use frontier, or a profile "
        "without them)");
}

nlohmann::json run_json(const search::RunResult& r) {
  const costmodel::FailureTimes& f = r.failures;
  nlohmann::json phases = nlohmann::json::array();
  for (const search::RunPhase& p : r.phases)
    phases.push_back({{"tokens_fraction", p.phase.tokens_fraction},
                      {"batch_seqs", p.phase.model.batch_seqs},
                      {"compute_s", p.phase.tokens_fraction * p.evaluation.run_s},
                      {"plan", plan_json(p.plan)},
                      {"evaluation", evaluation_json(p.evaluation)}});
  return {{"gpus", r.gpus},
          {"compute_s", r.compute_s},
          {"wall_s", r.wall_s},
          {"years", r.wall_s / search::kSecondsPerYear},
          {"utilization", r.utilization},
          {"wall_utilization", r.wall_utilization},
          {"warmup_s", r.warmup_s},
          {"breakdown",
           {{"busy_s", r.busy_s},
            {"bubble_s", r.bubble_s},
            {"exposed_comm_s", r.exposed_comm_s},
            {"exposed_latency_s", r.exposed_latency_s},
            {"failure_overhead_s", f.overhead_s}}},
          {"failures",
           {{"cluster_mtbf_s", f.cluster_mtbf_s},
            {"checkpoint_write_s", f.checkpoint_write_s},
            {"restore_s", f.restore_s},
            {"recovery_s", f.recovery_s},
            {"checkpoint_interval_s", f.interval_s},
            {"checkpoints", f.checkpoints},
            {"expected_failures", f.failures},
            {"checkpoint_s", f.checkpoint_s},
            {"lost_work_s", f.lost_work_s},
            {"restart_s", f.restart_s},
            {"overhead_s", f.overhead_s},
            {"cap_gpus", r.failure_cap_gpus}}},
          {"phases", phases}};
}

void print_run(std::ostream& out, const search::RunResult& r, const search::RunTerms& terms) {
  const costmodel::FailureTimes& f = r.failures;
  std::vector<std::pair<std::string, std::string>> rows{
      {"compute time", duration(r.compute_s) + " (busy + bubble + exposed comm + exposed latency)"},
      {"failure overhead",
       duration(f.overhead_s) + " (" + percent(f.overhead_s, r.compute_s) + " of compute)"},
      {"  checkpoints", duration(f.checkpoint_s) + " (" + sci(f.checkpoints, 3) + " of " +
                            duration(f.checkpoint_write_s) + ")"},
      {"  lost work", duration(f.lost_work_s)},
      {"  restarts",
       duration(f.restart_s) + " (" + sci(f.failures, 3) + " failures, " + duration(f.recovery_s) + " each)"},
      {"wall time", duration(r.wall_s) + " (" + fixed(r.wall_s / search::kSecondsPerYear, 4) + " years)"},
      {"utilization",
       fixed(r.utilization, 4) + " of compute time, " + fixed(r.wall_utilization, 4) + " of wall time"}};
  if (terms.failures.active()) {
    rows.emplace_back("failures", std::string(costmodel::recovery_name(terms.failures.recovery)) +
                                      " recovery, cluster MTBF " + duration(f.cluster_mtbf_s) +
                                      ", checkpoint every " + duration(f.interval_s) + " of compute");
    rows.emplace_back(
        "useful cluster cap",
        sci(r.failure_cap_gpus, 3) + " GPUs (beyond it a perfectly scaling run of this model gets longer)");
  } else {
    rows.emplace_back("failures", "off");
  }
  if (terms.sites.active())
    rows.emplace_back(
        "sites", std::to_string(terms.sites.count) + " sites, " + sci(terms.sites.bandwidth_Bps / 1e9, 3) +
                     " GB/s per GPU, " + duration(terms.sites.latency_s) + " per hop, " +
                     std::string(costmodel::site_crossing_name(terms.sites.crossing)) + " across");
  print_block(out, "Run (extended model: wall time with failures, sites and ramps)", rows);
  if (r.phases.size() < 2) return;
  out << "\nRamp phases (" << search::ramp_plans_name(terms.ramp_plans) << " plans)\n";
  Table t({"tokens", "batch", "DP", "TPm", "TPf", "PP", "EP", "m", "zb", "util", "compute"});
  for (const search::RunPhase& p : r.phases)
    t.add({fixed(p.phase.tokens_fraction, 4), std::to_string(p.phase.model.batch_seqs),
           std::to_string(p.plan.total(costmodel::Kind::dp)),
           std::to_string(p.plan.total(costmodel::Kind::tp_model)),
           std::to_string(p.plan.total(costmodel::Kind::tp_ff)),
           std::to_string(p.plan.total(costmodel::Kind::pp)),
           std::to_string(p.plan.total(costmodel::Kind::ep)), std::to_string(p.plan.microbatches),
           p.plan.zero_bubble ? "y" : "n", fixed(p.evaluation.utilization, 4),
           duration(p.phase.tokens_fraction * p.evaluation.run_s)});
  t.print(out);
}

}  // namespace llmsweep::cli
