// The smallest cluster that meets a deadline (MODEL.md section 7).
#pragma once

#include "search/best_plan.hpp"

namespace llmsweep::search {

inline constexpr double kSecondsPerYear = 3.154e7;
inline constexpr double kDefaultRunMonths = 3;

// Run duration limit for a run of `months` (3 months = 0.25 * 3.154e7 s).
double max_run_seconds(double months);

struct ClusterResult {
  costmodel::Status status = costmodel::Status::deadline;
  double gpus = 0;  // N of the answer; exact (E * 2^i)
  costmodel::Plan plan;
  costmodel::Evaluation evaluation;
  bool found() const { return status == costmodel::Status::ok; }
};

// Tries N = E * 2^i for i = 0..59, skipping N below C / (Tmax * F); the first N whose best
// plan runs in under Tmax is the answer. Reuses `search`, which must be for the same model.
ClusterResult smallest_cluster(PlanSearch& search, const costmodel::Machine& machine,
                               const costmodel::Model& model, double max_run_s);

ClusterResult smallest_cluster(const costmodel::Machine& machine, const costmodel::Model& model,
                               double max_run_s, const SearchOptions& options = {});

}  // namespace llmsweep::search
