#include "search/cluster.hpp"

#include <numeric>

namespace llmsweep::search {

double max_run_seconds(double months) {
  return months / 12.0 * kSecondsPerYear;
}

const char* cluster_sizes_name(ClusterSizes c) {
  switch (c) {
    case ClusterSizes::powers_of_two:
      return "powers-of-two";
    case ClusterSizes::fill_levels:
      return "fill-levels";
    case ClusterSizes::pow2_domains:
      return "pow2-domains";
  }
  return "?";
}

std::optional<ClusterSizes> cluster_sizes_from_name(std::string_view name) {
  for (ClusterSizes c : {ClusterSizes::powers_of_two, ClusterSizes::fill_levels, ClusterSizes::pow2_domains})
    if (name == cluster_sizes_name(c)) return c;
  return std::nullopt;
}

costmodel::Hardware pow2_domains(const costmodel::Hardware& hw) {
  costmodel::Hardware out = hw;
  for (std::int64_t& s : out.level_sizes) {
    std::int64_t p = 1;
    while (p * 2 <= s) p *= 2;
    s = p;
  }
  return out;
}

GpuCount cluster_candidate(const costmodel::Hardware& hw, std::int64_t experts, int i, ClusterSizes sizes) {
  GpuCount n = static_cast<GpuCount>(experts) << i;
  if (sizes != ClusterSizes::fill_levels) return n;
  // Round up to a power-of-two number of whole domains (so N keeps the few prime factors the
  // degrees can take), until every level N exceeds is filled.
  for (int guard = 0; guard < 64 && !fits_levels(hw.level_sizes, n); ++guard) {
    std::int64_t below = 1, step = 1;
    for (std::int64_t s : hw.level_sizes) {
      below *= s;
      if (n > below && n % below != 0) step = below;
    }
    const GpuCount unit = static_cast<GpuCount>(std::lcm(step, experts));
    GpuCount count = 1;
    while (unit * count < n) count *= 2;
    n = unit * count;
  }
  return n;
}

ClusterResult smallest_cluster(PlanSearch& search, const costmodel::Machine& machine,
                               const costmodel::Model& model, double max_run_s, ClusterSizes sizes) {
  ClusterResult out;
  const double min_gpus = model.compute_flop() / (max_run_s * machine.flops);
  GpuCount previous = 0;
  for (int i = 0; i < 60; ++i) {
    const GpuCount gpus = cluster_candidate(machine.hw, model.experts, i, sizes);
    if (gpus <= previous) continue;  // fill-levels can round two candidates to one size
    previous = gpus;
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
                               double max_run_s, const SearchOptions& options, ClusterSizes sizes) {
  PlanSearch search(machine, model, options);
  return smallest_cluster(search, machine, model, max_run_s, sizes);
}

}  // namespace llmsweep::search
