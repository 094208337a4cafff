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

ClusterSizes cluster_sizes_of(const FrontierSpec& spec) {
  return spec.cluster_sizes ? *spec.cluster_sizes : default_cluster_sizes(spec.search.model.model_kind);
}

bool FrontierWalk::add(FrontierRow row) {
  const double utilization = row.threshold_utilization();
  rows_.push_back(std::move(row));
  if (utilization < kFrontierMinUtilization) ended_ = true;
  return !ended_;
}

void FrontierWalk::infeasible(std::int64_t d_model) {
  first_infeasible_ = d_model;
  ended_ = true;
}

Thresholds FrontierWalk::thresholds(double utilization_cap) const {
  return thresholds_of(rows_, utilization_cap, first_infeasible_);
}

Frontier FrontierWalk::finish(double utilization_cap) {
  Frontier out;
  out.thresholds = thresholds(utilization_cap);
  out.rows = std::move(rows_);
  return out;
}

Frontier frontier(const costmodel::Machine& machine, const FrontierSpec& spec) {
  FrontierWalk walk;
  const double max_run_s = max_run_seconds(spec.run_months);
  const ClusterSizes sizes = cluster_sizes_of(spec);
  for (std::int64_t width : spec.widths) {
    const costmodel::Model model = model_for_width(width, spec.policy);
    if (uses_run_terms(spec)) {
      RunResult run = smallest_run(machine, model, spec.search, spec.run, max_run_s, sizes);
      if (!run.found()) {
        walk.infeasible(width);
        break;
      }
      FrontierRow row{model, model.compute_flop(), {}, std::move(run)};
      row.result = {costmodel::Status::ok, row.run->gpus, row.run->whole_domains, row.run->main().plan,
                    row.run->main().evaluation};
      if (!walk.add(std::move(row))) break;
      continue;
    }
    ClusterResult r = smallest_cluster(machine, model, max_run_s, spec.search, sizes);
    if (!r.found()) {
      walk.infeasible(width);
      break;
    }
    if (!walk.add({model, model.compute_flop(), std::move(r), std::nullopt})) break;
  }
  return walk.finish(machine.hw.utilization_cap);
}

}  // namespace llmsweep::search
