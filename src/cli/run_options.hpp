// Options of the extended model's run-level terms (docs/MODEL-EXTENDED.md E4-E6) on eval, plan
// and frontier, and how runs are printed: the failure overhead as its own term beside the step
// breakdown, each ramp phase with its plan.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "costmodel/hardware.hpp"
#include "costmodel/options.hpp"
#include "search/run.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace llmsweep::cli {

struct RunArgs {
  std::string recovery;
  double mtbf_gpu_hours = 0;
  double checkpoint_write_GBps = 0;
  double checkpoint_read_GBps = 0;
  double restart_s = 0;
  std::int64_t sites = 1;
  double site_bandwidth_GBps = 0;
  double site_latency_ms = 0;
  std::string site_crossing;
  std::string ramp;
  std::string ramp_plans = "per-phase";
  // Which of them were given (CLI11 options, for count()).
  CLI::Option* given[11] = {};
};

// --recovery, --mtbf-gpu-hours, --checkpoint-write-GBps, --checkpoint-read-GBps, --restart-s,
// --sites, --site-bandwidth-GBps, --site-latency-ms, --site-crossing, --ramp, --ramp-plans.
void add_run_options(CLI::App* sub, RunArgs& args);

// The terms for this profile: the options over the profile's [failures] and [sites] tables.
// Under the reference model: none (and an option given is a UsageError naming it).
search::RunTerms run_terms(const RunArgs& args, const costmodel::Hardware& hw, costmodel::ModelKind model);

// Refuses run-level terms where a command does not support them yet (one line naming why).
void refuse_run_terms(const costmodel::Hardware& hw, costmodel::ModelKind model, const char* command);

nlohmann::json run_json(const search::RunResult& r);
void print_run(std::ostream& out, const search::RunResult& r, const search::RunTerms& terms);

}  // namespace llmsweep::cli
