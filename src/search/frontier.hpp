// The frontier and its two thresholds (MODEL.md section 9).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "search/cluster.hpp"
#include "search/policy.hpp"
#include "search/run.hpp"

namespace llmsweep::search {

struct FrontierRow {
  costmodel::Model model;
  double compute_flop = 0;
  ClusterResult result;  // always found for a row
  // Extended with run-level terms (docs/MODEL-EXTENDED.md E5-E7): the whole run; `result` then
  // holds its last phase's plan and evaluation.
  std::optional<RunResult> run;
  // The utilization the thresholds compare: the run's wall-time utilization with run terms.
  double threshold_utilization() const { return run ? run->wall_utilization : result.evaluation.utilization; }
};

struct Thresholds {
  std::optional<double> linear_scaling_ends_flop;  // first C with utilization <= 0.8 * cap
  std::optional<double> largest_feasible_flop;     // the latency wall
  std::optional<std::int64_t> first_infeasible_d_model;
};

struct Frontier {
  std::vector<FrontierRow> rows;
  Thresholds thresholds;
};

struct FrontierSpec {
  ScalingPolicy policy;
  std::vector<std::int64_t> widths = paper_widths();
  double run_months = kDefaultRunMonths;
  SearchOptions search;
  std::optional<ClusterSizes> cluster_sizes;  // empty: the model kind's default (default_cluster_sizes)
  RunTerms run;                               // used only under the extended model
};

// The cluster sizes a frontier uses: the spec's, or the default of its model kind.
ClusterSizes cluster_sizes_of(const FrontierSpec& spec);

// Whether a frontier walks whole runs (smallest_run) instead of the reference cluster search.
inline bool uses_run_terms(const FrontierSpec& spec) {
  return spec.search.model.model_kind == costmodel::ModelKind::extended && spec.run.active();
}

// Rows stop at the first infeasible width or after the first row under 0.001 utilization.
Frontier frontier(const costmodel::Machine& machine, const FrontierSpec& spec);

// The walk over one scenario's rows by ascending width (MODEL.md section 9): the one C++ copy of
// the stop rule, for `frontier` (above, computing each width as it goes) and for a results file
// (io/summary.cpp, `summarize`); analysis/frontier.py is its Python twin, tied to this one by
// analysis/tests/test_frontier.py. The walk ends at the first infeasible width (not a frontier
// row), after the first row under kFrontierMinUtilization (kept), or at a point not computed yet.
class FrontierWalk {
 public:
  // A feasible row, kept; returns whether the walk goes on past it.
  bool add(FrontierRow row);
  // A width no cluster can train in time: ends the walk, and is the first infeasible width.
  void infeasible(std::int64_t d_model);
  // A point not computed yet: ends the walk with no verdict on what follows.
  void pending() { ended_ = true; }

  bool ended() const { return ended_; }
  const std::vector<FrontierRow>& rows() const { return rows_; }
  Thresholds thresholds(double utilization_cap) const;
  // The frontier: the rows and their thresholds (the walk is spent).
  Frontier finish(double utilization_cap);

 private:
  std::vector<FrontierRow> rows_;
  std::optional<std::int64_t> first_infeasible_;
  bool ended_ = false;
};

// The thresholds of any ascending list of rows (also what a results file is reduced with).
// `first_infeasible` is the width that ended the walk, if one did.
Thresholds thresholds_of(const std::vector<FrontierRow>& rows, double utilization_cap,
                         std::optional<std::int64_t> first_infeasible);

inline constexpr double kLinearScalingFraction = 0.8;
inline constexpr double kFrontierMinUtilization = 0.001;

}  // namespace llmsweep::search
