#include "search/cluster.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace llmsweep::search {

double max_run_seconds(double months) {
  return months / 12.0 * kSecondsPerYear;
}

ClusterSizes default_cluster_sizes(costmodel::ModelKind kind) {
  return kind == costmodel::ModelKind::extended ? ClusterSizes::domains : ClusterSizes::powers_of_two;
}

const char* cluster_sizes_name(ClusterSizes c) {
  switch (c) {
    case ClusterSizes::domains:
      return "domains";
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
  for (ClusterSizes c : {ClusterSizes::powers_of_two, ClusterSizes::fill_levels, ClusterSizes::pow2_domains,
                         ClusterSizes::domains})
    if (name == cluster_sizes_name(c)) return c;
  return std::nullopt;
}

namespace {

std::int64_t floor_pow2(std::int64_t s) {
  std::int64_t p = 1;
  while (p * 2 <= s) p *= 2;
  return p;
}

}  // namespace

costmodel::Hardware pow2_domains(const costmodel::Hardware& hw) {
  costmodel::Hardware out = hw;
  for (std::size_t l = 0; l < out.level_sizes.size(); ++l) {
    if (hw.topology_of(static_cast<int>(l)) == costmodel::Topology::torus) {
      // A torus keeps its shape: the largest power-of-two sub-torus (each dimension rounded down).
      std::int64_t n = 1;
      for (std::int64_t& d : out.torus_dims) n *= (d = floor_pow2(d));
      out.level_sizes[l] = n;
    } else {
      out.level_sizes[l] = floor_pow2(out.level_sizes[l]);
    }
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
  if (sizes == ClusterSizes::domains)
    return smallest_cluster_domains(search, machine, search, model, max_run_s);
  ClusterResult out;
  const double min_gpus = model.compute_flop() / (max_run_s * machine.flops);
  GpuCount previous = 0;
  for (int i = 0; i < 60; ++i) {
    const GpuCount gpus = cluster_candidate(machine.hw, model.experts, i, sizes);
    if (gpus <= previous) continue;  // fill-levels can round two candidates to one size
    previous = gpus;
    if (static_cast<double>(gpus) < min_gpus) continue;
    SearchResult r = search.best(gpus);
    if (r.status == costmodel::Status::needs_extended) {
      out.status = r.status;
      return out;
    }
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
  if (sizes == ClusterSizes::domains) {
    PlanSearch whole(machine, model, options);
    const costmodel::Machine view = costmodel::make_machine(pow2_domains(machine.hw));
    if (view.hw.level_sizes == machine.hw.level_sizes)
      return smallest_cluster_domains(whole, machine, whole, model, max_run_s);
    PlanSearch pow2(view, model, options);
    return smallest_cluster_domains(whole, machine, pow2, model, max_run_s);
  }
  if (sizes == ClusterSizes::pow2_domains) {
    const costmodel::Machine view = costmodel::make_machine(pow2_domains(machine.hw));
    PlanSearch search(view, model, options);
    return smallest_cluster(search, view, model, max_run_s, sizes);
  }
  PlanSearch search(machine, model, options);
  return smallest_cluster(search, machine, model, max_run_s, sizes);
}

ClusterResult smallest_cluster_domains(PlanSearch& whole, const costmodel::Machine& machine, PlanSearch& pow2,
                                       const costmodel::Model& model, double max_run_s) {
  // Both families, ascending by GPUs in use; at equal size whole domains come first.
  struct Candidate {
    GpuCount gpus;
    bool whole;
  };
  std::vector<Candidate> candidates;
  const bool same = &whole == &pow2;
  for (int i = 0; i < 60; ++i) {
    candidates.push_back({cluster_candidate(machine.hw, model.experts, i, ClusterSizes::fill_levels), true});
    if (!same) candidates.push_back({static_cast<GpuCount>(model.experts) << i, false});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.gpus < b.gpus || (a.gpus == b.gpus && a.whole && !b.whole);
  });
  ClusterResult out;
  const double min_gpus = model.compute_flop() / (max_run_s * machine.flops);
  GpuCount previous[2] = {0, 0};
  for (const Candidate& c : candidates) {
    GpuCount& last = previous[c.whole ? 0 : 1];
    if (c.gpus <= last) continue;
    last = c.gpus;
    if (static_cast<double>(c.gpus) < min_gpus) continue;
    SearchResult r = (c.whole ? whole : pow2).best(c.gpus);
    if (r.status == costmodel::Status::needs_extended) {
      out.status = r.status;
      return out;
    }
    if (r.found() && r.evaluation.run_s < max_run_s) {
      out.status = costmodel::Status::ok;
      out.gpus = static_cast<double>(c.gpus);
      out.whole_domains = c.whole || same;
      out.plan = r.plan;
      out.evaluation = r.evaluation;
      return out;
    }
  }
  return out;
}

}  // namespace llmsweep::search
