// The axes of a sweep (all std-only values, resolved from a spec by config/). The grid is
// their Cartesian product; an axis a spec leaves out has one value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "costmodel/hardware.hpp"
#include "costmodel/options.hpp"
#include "grid/run_axes.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/policy.hpp"

namespace llmsweep::grid {

struct HardwareValue {
  std::string stem;  // profile file stem, the label stored in results
  costmodel::Machine machine;
};

// A width given directly, or a training-compute target whose width the policies give.
struct WidthValue {
  std::int64_t d_model = 0;  // 0 for a compute target
  double target_flop = 0;    // 0 for a direct width
};

// Depth from the Chinchilla-shape law (times a multiplier, optionally another exponent), or
// an explicit layer count.
struct DepthValue {
  std::int64_t layers = 0;  // > 0: explicit
  search::DepthLaw law;
};

enum class ExpertsRule : std::uint8_t { dense = 0, width_scaled = 1, count = 2 };
// "dense", "sparse" (experts scaled with the width, search::ExpertsPolicy) or "count".
inline std::string_view experts_rule_name(ExpertsRule r) {
  return r == ExpertsRule::count
             ? "count"
             : search::experts_policy_name(r == ExpertsRule::dense ? search::ExpertsPolicy::dense
                                                                   : search::ExpertsPolicy::width_scaled);
}
struct ExpertsValue {
  ExpertsRule rule = ExpertsRule::dense;
  std::int64_t count = 1;  // rule == count
};

// A batch law (policy, and exponent for `power`), or explicit tokens per step.
struct BatchValue {
  std::int64_t tokens = 0;  // > 0: explicit
  search::BatchLaw law;     // multiplier comes from its own axis
};

// One parallelism degree of an explicit plan: a total (its split over the network levels is
// searched) or one degree per level, inside a node first.
struct DegreeValue {
  std::int64_t total = 1;
  std::vector<std::int64_t> per_level;  // empty: split searched
};

struct ExplicitParallelism {
  std::vector<DegreeValue> dp, tp_model, tp_ff, pp, ep;
  std::vector<std::int64_t> microbatches;
  std::vector<std::int64_t> interleave;  // 0 = automatic (L // PP without zero-bubble, else 1)
  std::vector<bool> zero_bubble;
};

// A correction of the reference search (MODEL.md quirks Q2, Q3); reference by default.
using SearchVariant = search::SearchVariant;

struct Axes {
  std::vector<HardwareValue> hardware;
  std::vector<WidthValue> width;
  std::vector<double> ff_ratio{4};
  std::vector<DepthValue> depth{DepthValue{}};
  std::vector<ExpertsValue> experts{ExpertsValue{}};
  std::vector<BatchValue> batch{BatchValue{}};
  std::vector<double> batch_multiplier{1};
  std::vector<std::int64_t> seq_len{2048};
  std::vector<double> run_months{3};
  std::vector<bool> zero_bubble_allowed{true};
  std::vector<costmodel::ModelKind> model_kind{costmodel::ModelKind::reference};
  std::vector<costmodel::ZbLatency> zb_latency{costmodel::ZbLatency::hidden};
  std::vector<SearchVariant> search{SearchVariant{}};
  // Empty: each point takes its model kind's default (search::default_cluster_sizes).
  std::vector<search::ClusterSizes> cluster_sizes;
  // Extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7); default: the profile's.
  std::vector<FailureValue> failures{FailureValue{}};
  std::vector<SiteValue> sites{SiteValue{}};
  std::vector<RampValue> ramp{RampValue{}};
  std::vector<std::int64_t> gpus;                  // empty: the smallest cluster meeting the deadline
  std::optional<ExplicitParallelism> parallelism;  // empty: the best plan
  bool overlap_tp = true;
  bool overlap_dp = false;
  bool overlap_pp = true;
};

}  // namespace llmsweep::grid
