// The model commands as a library: options (api/options.hpp) in, checked once here, results out.
// The CLI prints these results as tables or JSON; the Python module returns them as objects.
// Bad options throw UsageError, bad profiles ConfigError, an unusable output file
// ResultFileError, each with the one-line message the CLI prints after "llmsweep: error: ".
// Nothing here reads global state but the profile folder (config::default_profile_dir), so
// several threads may run these at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/options.hpp"
#include "config/hardware_config.hpp"
#include "costmodel/evaluate.hpp"
#include "search/best_plan.hpp"
#include "search/frontier.hpp"
#include "search/run.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::api {

// ---- the checks, each option once --------------------------------------------------------
costmodel::Options cost_model_options(const CostModelArgs& a);
// The profile `hardware` names, refused (UsageError) when the chosen model cannot evaluate it:
// a torus network or systolic arrays under --model reference.
config::Profile profile_for(const std::string& hardware, const CostModelArgs& cost_model);
// What the model kinds make of a profile: "extended needed" (the reference cannot evaluate it),
// "extended differs" (extended terms, or scale-up domains that are not a power of two, which the
// extended model's cluster sizes fill) or "both alike".
std::string model_support(const costmodel::Hardware& hw);
// The factors sensitivity steps by: --step, or --factor alone; each > 1 and finite.
std::vector<double> sensitivity_steps(const SensitivityArgs& a);
// The model the options describe: given sizes checked, the others from the paper's laws.
costmodel::Model build_model(const ModelArgs& a);
search::SearchOptions search_options(const CostModelArgs& cost_model, bool no_zero_bubble,
                                     const OverlapArgs& overlaps);
search::FrontierSpec frontier_spec(const FrontierArgs& a);
// The run-level terms for this profile: the options over its [failures] and [sites] tables,
// each checked (one line naming the option). Under the reference model none, and an option
// given is refused.
search::RunTerms run_terms(const RunArgs& a, const costmodel::Hardware& hw, costmodel::ModelKind kind);

// ---- the commands ------------------------------------------------------------------------
struct EvalResult {
  std::string hardware;  // display name
  std::string cost_model;
  costmodel::Model model;
  costmodel::Plan plan;
  costmodel::Evaluation evaluation;  // with a ramp: the last phase's (the model's own batch)
  search::RunTerms terms;
  std::optional<search::RunResult> run;  // with run-level terms: the whole run
};
EvalResult evaluate(const EvalArgs& a);

// A search that found no plan is a result too (the CLI exits 1): `result.status` says why.
struct PlanResult {
  std::string hardware;
  std::string cost_model;
  costmodel::Model model;
  std::int64_t gpus = 0;
  search::SearchResult result;  // with run-level terms: the last phase's plan and evaluation
  search::RunTerms terms;
  std::optional<search::RunResult> run;  // with run-level terms and a plan found
};
PlanResult best_plan(const PlanArgs& a);

struct FrontierResult {
  std::string hardware;
  FrontierArgs args;
  std::string cluster_sizes;  // the policy walked: the option, or the model's default
  search::RunTerms terms;     // active: each row has its whole run
  search::Frontier frontier;
};
FrontierResult frontier(const FrontierArgs& a);

// Also writes the results file when `a.output` is set.
struct SensitivityResult {
  config::Profile profile;
  SensitivityArgs args;
  search::Sensitivity sensitivity;
};
SensitivityResult sensitivity(const SensitivityArgs& a);

// The time of one matmul (MODEL.md section 2), as the golden vectors' matmul section has it.
double matmul_seconds(const std::string& hardware, std::int64_t d1, std::int64_t d2, std::int64_t b,
                      bool weight_grads);

}  // namespace llmsweep::api
