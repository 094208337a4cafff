#include "search/frontier.hpp"

namespace llmsweep::search {

Thresholds thresholds_of(const std::vector<FrontierRow>& rows, double utilization_cap,
                         std::optional<std::int64_t> first_infeasible) {
  Thresholds t;
  const double limit = kLinearScalingFraction * utilization_cap;
  for (const FrontierRow& row : rows) {
    if (!t.linear_scaling_ends_flop && row.threshold_utilization() <= limit)
      t.linear_scaling_ends_flop = row.compute_flop;
    if (!t.largest_feasible_flop || row.compute_flop > *t.largest_feasible_flop)
      t.largest_feasible_flop = row.compute_flop;
  }
  t.first_infeasible_d_model = first_infeasible;
  return t;
}

Frontier frontier(const costmodel::Machine& machine, const FrontierSpec& spec) {
  Frontier out;
  std::optional<std::int64_t> first_infeasible;
  const double max_run_s = max_run_seconds(spec.run_months);
  const costmodel::Machine adjusted = spec.cluster_sizes == ClusterSizes::pow2_domains
                                          ? costmodel::make_machine(pow2_domains(machine.hw))
                                          : machine;
  for (std::int64_t width : spec.widths) {
    const costmodel::Model model = model_for_width(width, spec.policy);
    if (uses_run_terms(spec)) {
      RunSearch search(adjusted, model, spec.search, spec.run);
      RunResult run = search.smallest(max_run_s, spec.cluster_sizes);
      if (!run.found()) {
        first_infeasible = width;
        break;
      }
      FrontierRow row{model, model.compute_flop(), {}, std::move(run)};
      row.result = {costmodel::Status::ok, row.run->gpus, row.run->main().plan, row.run->main().evaluation};
      const double utilization = row.threshold_utilization();
      out.rows.push_back(std::move(row));
      if (utilization < kFrontierMinUtilization) break;
      continue;
    }
    ClusterResult r = smallest_cluster(adjusted, model, max_run_s, spec.search, spec.cluster_sizes);
    if (!r.found()) {
      first_infeasible = width;
      break;
    }
    const double utilization = r.evaluation.utilization;
    out.rows.push_back({model, model.compute_flop(), std::move(r), std::nullopt});
    if (utilization < kFrontierMinUtilization) break;
  }
  out.thresholds = thresholds_of(out.rows, machine.hw.utilization_cap, first_infeasible);
  return out;
}

}  // namespace llmsweep::search
