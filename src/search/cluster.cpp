#include "search/cluster.hpp"

namespace llmsweep::search {

double max_run_seconds(double months) { return months / 12.0 * kSecondsPerYear; }

ClusterResult smallest_cluster(PlanSearch& search, const costmodel::Machine& machine,
                               const costmodel::Model& model, double max_run_s) {
  ClusterResult out;
  const double min_gpus = model.compute_flop() / (max_run_s * machine.flops);
  for (int i = 0; i < 60; ++i) {
    const GpuCount gpus = static_cast<GpuCount>(model.experts) << i;
    if (static_cast<double>(gpus) < min_gpus) continue;
    SearchResult r = search.best(gpus);
    if (r.found() && r.evaluation.run_s < max_run_s) {
      out.status = costmodel::Status::ok;
      out.gpus = static_cast<double>(gpus);
      out.plan = r.plan;
      out.evaluation = r.evaluation;
      return out;
    }
  }
  return out;
}

ClusterResult smallest_cluster(const costmodel::Machine& machine, const costmodel::Model& model,
                               double max_run_s, const SearchOptions& options) {
  PlanSearch search(machine, model, options);
  return smallest_cluster(search, machine, model, max_run_s);
}

}  // namespace llmsweep::search
