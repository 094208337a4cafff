// The smallest cluster that meets a deadline (MODEL.md section 7).
#pragma once

#include <optional>
#include <string_view>

#include "search/best_plan.hpp"

namespace llmsweep::search {

inline constexpr double kSecondsPerYear = 3.154e7;
inline constexpr double kDefaultRunMonths = 3;
// The longest run limit accepted (about 83,000 years): past it a deadline no longer means anything.
inline constexpr double kMaxRunMonths = 1e6;

// Run duration limit for a run of `months` (3 months = 0.25 * 3.154e7 s).
double max_run_seconds(double months);

// Which cluster sizes the search tries. The reference tries N = E * 2^i and skips those that
// do not fill the network levels. For NVLink domains that are not a power of two (GB200
// NVL72's 72 GPUs) two alternatives: fill-levels rounds such an N up to a power-of-two number
// of whole domains (the degrees must then absorb the domain's odd factor, 9 for 72);
// pow2-domains uses the largest power of two of each level's GPUs (64 of 72) and otherwise
// searches as the reference. Both equal the reference where level sizes are powers of two.
// domains (the extended model's default, MODEL-EXTENDED.md E2) tries both families in ascending
// order of GPUs in use: whole domains where the plan can use them, else the largest power of
// two of each domain.
enum class ClusterSizes { powers_of_two, fill_levels, pow2_domains, domains };

// The cluster sizes a model kind uses unless told otherwise: powers-of-two for the reference,
// domains for the extended model.
ClusterSizes default_cluster_sizes(costmodel::ModelKind kind);

const char* cluster_sizes_name(ClusterSizes c);
std::optional<ClusterSizes> cluster_sizes_from_name(std::string_view name);

// The hardware as pow2-domains sees it: each level size rounded down to a power of two.
costmodel::Hardware pow2_domains(const costmodel::Hardware& hw);

// The i-th candidate (i = 0..59) under `sizes`; 0 when there is none.
GpuCount cluster_candidate(const costmodel::Hardware& hw, std::int64_t experts, int i, ClusterSizes sizes);

struct ClusterResult {
  costmodel::Status status = costmodel::Status::deadline;
  double gpus = 0;            // N of the answer (exact): GPUs in use
  bool whole_domains = true;  // false: the largest power of two of each domain's GPUs in use
  costmodel::Plan plan;
  costmodel::Evaluation evaluation;
  bool found() const { return status == costmodel::Status::ok; }
};

// Tries N = E * 2^i for i = 0..59, skipping N below C / (Tmax * F); the first N whose best
// plan runs in under Tmax is the answer. Reuses `search`, which must be for the same model
// (and, for pow2-domains, built on pow2_domains(hardware)); with domains this overload tries
// whole domains only (smallest_cluster_domains takes the second search).
ClusterResult smallest_cluster(PlanSearch& search, const costmodel::Machine& machine,
                               const costmodel::Model& model, double max_run_s,
                               ClusterSizes sizes = ClusterSizes::powers_of_two);

ClusterResult smallest_cluster(const costmodel::Machine& machine, const costmodel::Model& model,
                               double max_run_s, const SearchOptions& options = {},
                               ClusterSizes sizes = ClusterSizes::powers_of_two);

// domains: `whole` searches the hardware as it is, `pow2` its pow2_domains view (the same search
// when every level size is already a power of two, then only whole domains are tried).
ClusterResult smallest_cluster_domains(PlanSearch& whole, const costmodel::Machine& machine, PlanSearch& pow2,
                                       const costmodel::Model& model, double max_run_s);

}  // namespace llmsweep::search
