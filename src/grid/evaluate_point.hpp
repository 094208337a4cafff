// Evaluates grid points: resolves the model the axes describe, then finds the smallest
// cluster, the best plan on a given cluster, or evaluates an explicit plan.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "grid/grid.hpp"
#include "grid/row.hpp"
#include "search/best_plan.hpp"
#include "search/run.hpp"

namespace llmsweep::grid {

// The width whose training compute under the policies is nearest (in log) to `target_flop`,
// among {f * 2^i : f odd in 1..15, i >= 4}; ties go to the smaller width.
std::int64_t width_for_compute(double target_flop, const search::ScalingPolicy& policy);

class PointEvaluator {
 public:
  explicit PointEvaluator(const Grid& grid);
  PointEvaluator(const PointEvaluator&) = delete;
  PointEvaluator& operator=(const PointEvaluator&) = delete;

  Row evaluate(std::uint64_t index);

 private:
  search::PlanSearch& search_for(const costmodel::Machine& machine, const costmodel::Model& model,
                                 const search::SearchOptions& options);
  void evaluate_explicit(const Digits& d, const costmodel::Machine& mc, const costmodel::Model& model,
                         const search::SearchOptions& options, Row& row);

  struct CachedSearch {
    const costmodel::Machine* machine;
    costmodel::Model model;
    search::SearchOptions options;
    std::unique_ptr<search::PlanSearch> search;
  };
  const costmodel::Machine& machine_for(std::uint32_t hardware, search::ClusterSizes sizes);

  const Grid& grid_;
  std::vector<std::unique_ptr<costmodel::Machine>> pow2_;  // per hardware, built when first needed
  std::vector<CachedSearch> searches_;                     // most recent last
  search::DivisorCache divisors_;
  std::map<std::tuple<double, std::uint32_t, std::uint32_t, std::uint32_t>, std::int64_t> widths_;
};

// Copies an evaluated plan into a row's result columns.
void fill_result(Row& row, const costmodel::Plan& plan, const costmodel::Evaluation& ev);

// Extended run-level terms (docs/MODEL-EXTENDED.md E5-E7): their input columns; a whole run's
// results (run_s the compute time, the last phase's plan); and the run columns of a row that had
// no run terms (wall time = run time, no failure overhead).
void fill_run_inputs(Row& row, const search::RunTerms& terms);
void fill_run_result(Row& row, const search::RunResult& r);
void fill_plain_run(Row& row);

}  // namespace llmsweep::grid
