// The whole run under the extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7):
// hardware failures and recovery, training across sites and batch ramps. Without any of them
// (and always under the reference model) the plan and cluster searches of MODEL.md sections 6
// and 7 answer alone; this layer is used only when a term is on.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "costmodel/failures.hpp"
#include "costmodel/run_data.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/ramp.hpp"

namespace llmsweep::search {

struct RunTerms {
  costmodel::FailureModel failures;  // recovery none: off
  costmodel::SiteLevel sites;        // count 1: one site, off
  BatchRamp ramp;                    // no steps: off
  RampPlans ramp_plans = RampPlans::per_phase;
  bool active() const { return failures.active() || sites.active() || ramp.active(); }
  bool operator==(const RunTerms&) const = default;
};

// Run-level inputs from the command line or a sweep axis; what is not given comes from the
// profile's [failures] and [sites] tables.
struct RunInputs {
  std::optional<costmodel::Recovery> recovery;
  std::optional<double> gpu_mtbf_s;
  std::optional<double> checkpoint_write_Bps;
  std::optional<double> checkpoint_read_Bps;
  std::optional<double> restart_s;
  std::optional<std::int64_t> sites;
  std::optional<double> site_bandwidth_Bps;
  std::optional<double> site_latency_s;
  std::optional<costmodel::SiteCrossing> site_crossing;
  BatchRamp ramp;
  RampPlans ramp_plans = RampPlans::per_phase;
  bool operator==(const RunInputs&) const = default;
};

// The terms for a profile, or what is missing or wrong: the field (recovery, mtbf,
// checkpoint_write, checkpoint_read, restart, sites, site_bandwidth, site_latency, ramp) and why.
struct RunProblem {
  std::string field;
  std::string message;
};
std::optional<RunProblem> resolve_run_terms(const costmodel::Hardware& hw, const RunInputs& inputs,
                                            RunTerms& terms);

struct RunPhase {
  Phase phase;                       // the model at this phase's batch, its share of the tokens
  costmodel::Plan plan;              // levels: the profile's, plus the site level with sites
  costmodel::Evaluation evaluation;  // per-run figures as if the whole run had this batch
};

struct RunResult {
  costmodel::Status status = costmodel::Status::no_plan;
  double gpus = 0;
  std::vector<RunPhase> phases;  // the last is the model's own batch
  // Sums over phases of tokens_fraction x the phase's per-run figure.
  double compute_s = 0;  // the run without failures (MODEL.md section 4's run time, summed)
  double matmul_s = 0, busy_s = 0, bubble_s = 0, exposed_comm_s = 0, exposed_latency_s = 0;
  double tp_comm_s = 0, dp_comm_s = 0, pp_ep_comm_s = 0;
  double tp_latency_s = 0, dp_latency_s = 0, pp_ep_latency_s = 0, latency_s = 0;
  double warmup_s = 0;  // compute time of every phase but the last
  costmodel::FailureTimes failures;
  double failure_cap_gpus = 0;  // the useful cluster size for this model under failures alone (inf: off)
  double wall_s = 0;            // compute + failure overhead: what the deadline limits
  double utilization = 0;       // ideal / compute time (one phase: T0 / Tstep)
  double wall_utilization = 0;  // ideal / wall time
  bool whole_domains = true;    // false: the largest power of two of each domain's GPUs in use
  bool found() const { return status == costmodel::Status::ok; }
  const RunPhase& main() const { return phases.back(); }
};

// One search per (hardware, model, options, terms). Under sites the plan search sees the
// profile with the site level on top and may place only the crossing kinds across it.
class RunSearch {
 public:
  RunSearch(const costmodel::Machine& machine, const costmodel::Model& model, const SearchOptions& options,
            const RunTerms& terms);
  ~RunSearch();
  RunSearch(const RunSearch&) = delete;
  RunSearch& operator=(const RunSearch&) = delete;

  // The best run on N GPUs in all (N / K per site).
  RunResult best(GpuCount gpus);
  // The smallest cluster whose wall time is under max_run_s (MODEL.md section 7 with the wall
  // time for the run time; per site the candidates of `sizes`, times K).
  RunResult smallest(double max_run_s, ClusterSizes sizes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The smallest run meeting max_run_s on `machine` (the profile as it is) under `sizes`:
// pow2-domains searches its pow2_domains view; domains searches both families and keeps the
// one needing fewer GPUs (whole domains at a tie), as smallest_cluster_domains does.
RunResult smallest_run(const costmodel::Machine& machine, const costmodel::Model& model,
                       const SearchOptions& options, const RunTerms& terms, double max_run_s,
                       ClusterSizes sizes);

// An explicit plan under the terms: every phase on this plan. With sites the plan has the site
// level on top (hw.levels() + 1 levels); the caller checks it with check_run_plan.
RunResult evaluate_run(const costmodel::Machine& machine, const costmodel::Model& model,
                       const costmodel::Plan& plan, const costmodel::Options& options, const RunTerms& terms);

// Empty when the plan fits the terms (levels, the crossing kinds, every phase's batch);
// otherwise a one-line reason.
std::string check_run_plan(const costmodel::Hardware& hw, const costmodel::Model& model,
                           const costmodel::Plan& plan, const RunTerms& terms);

// The hardware an explicit plan of `gpus` GPUs runs on under the terms (the site level on top
// with sites); gpus must be a multiple of the site count.
costmodel::Hardware run_hardware(const costmodel::Hardware& hw, const RunTerms& terms, double gpus);

}  // namespace llmsweep::search
