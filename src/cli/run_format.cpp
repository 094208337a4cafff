#include "cli/run_format.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "api/records.hpp"
#include "cli/format.hpp"

namespace llmsweep::cli {
namespace {

std::string percent(double part, double whole) {
  return whole > 0 && std::isfinite(part) ? fixed(100 * part / whole, 2) + " %" : "-";
}

}  // namespace

nlohmann::json run_json(const search::RunResult& r, const search::RunTerms& terms) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json t = nlohmann::json::object();
  api::visit_run_terms(terms, JsonFields{t});
  j["terms"] = std::move(t);
  api::visit_run(r, JsonFields{j});
  nlohmann::json phases = nlohmann::json::array();
  for (const search::RunPhase& p : r.phases) {
    nlohmann::json one = nlohmann::json::object();
    api::visit_run_phase(p, JsonFields{one});
    one["plan"] = plan_json(p.plan);
    one["evaluation"] = evaluation_json(p.evaluation);
    phases.push_back(std::move(one));
  }
  j["phases"] = std::move(phases);
  return j;
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
    rows.emplace_back("useful cluster cap", sci(r.failure_cap_gpus, 3) +
                                                " GPUs (beyond it a perfectly scaling run of this model gets "
                                                "longer)");
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

void print_frontier_runs(std::ostream& out, const std::vector<search::FrontierRow>& rows) {
  if (rows.empty() || !rows.front().run) return;
  out << "\nWhole runs (extended model): wall time = compute + failure overhead\n";
  Table t({"d_model", "GPUs", "compute years", "failure overhead", "wall years", "wall util", "cluster MTBF",
           "ckpt every", "failures", "cap GPUs"});
  for (const search::FrontierRow& row : rows) {
    const search::RunResult& r = *row.run;
    t.add({std::to_string(row.model.d_model), count(r.gpus), fixed(r.compute_s / search::kSecondsPerYear, 3),
           percent(r.failures.overhead_s, r.compute_s), fixed(r.wall_s / search::kSecondsPerYear, 3),
           fixed(r.wall_utilization, 4), duration(r.failures.cluster_mtbf_s), duration(r.failures.interval_s),
           sci(r.failures.failures, 3), sci(r.failure_cap_gpus, 3)});
  }
  t.print(out);
}

}  // namespace llmsweep::cli
