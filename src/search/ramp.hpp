// Batch ramps (docs/MODEL-EXTENDED.md E7): a run whose batch grows in steps, e.g. DeepSeek-V3's
// 3,072 -> 15,360 sequences over its first 469B tokens. The run is cut into phases; its time is
// the sum over them, each phase on its own best plan or all on one plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costmodel/model.hpp"
#include "search/best_plan.hpp"

namespace llmsweep::search {

// Up to `until_fraction` of the run's tokens (and after the previous step's), the batch is
// `batch_factor` times the model's (its batch law's) batch.
struct RampStep {
  double until_fraction = 1;
  double batch_factor = 1;
  bool operator==(const RampStep&) const = default;
};

struct BatchRamp {
  std::vector<RampStep> steps;  // empty: one batch for the whole run
  bool active() const { return !steps.empty(); }
  bool operator==(const BatchRamp&) const = default;
};

// What is wrong with a ramp, if anything: fractions must increase strictly within (0, 1] and the
// last must be 1; factors must be positive and finite.
std::optional<std::string> check_ramp(const BatchRamp& ramp);

// "0.0317:0.2,1:1"; "none" for no ramp. parse_ramp reads the same form.
std::string ramp_label(const BatchRamp& ramp);
std::optional<BatchRamp> parse_ramp(std::string_view text);

// Phases of a ramp: per phase, its own best plan (the default) or one plan for the whole run.
enum class RampPlans : std::uint8_t { per_phase = 0, one_plan = 1 };
std::string_view ramp_plans_name(RampPlans p);
std::optional<RampPlans> ramp_plans_from_name(std::string_view name);

struct Phase {
  costmodel::Model model;      // the model with this phase's batch
  double tokens_fraction = 1;  // share of the run's tokens trained in it
};

// One phase of the whole run without a ramp. With one, phase i trains the tokens between
// until_{i-1} and until_i at E * closest(factor_i * B / E) sequences, B the model's batch: the
// rounding of the batch laws (MODEL.md section 8), which keeps a phase's batch a product of few
// primes as the laws' batches are (a factor of exactly 1 keeps B itself).
std::vector<Phase> phases_of(const costmodel::Model& model, const BatchRamp& ramp);

// The best single plan for every phase on `gpus` GPUs: the plan minimising the sum over phases
// of tokens_fraction x run time. Enumerates as PlanSearch::best does (MODEL.md section 6) with
// degrees that divide every phase's batch; prunes with the flattened profile when the options
// say so. `phase_evaluations` receives each phase's evaluation of the plan.
SearchResult best_common_plan(const costmodel::Machine& machine, const std::vector<Phase>& phases,
                              GpuCount gpus, const SearchOptions& options,
                              std::vector<costmodel::Evaluation>& phase_evaluations);

}  // namespace llmsweep::search
