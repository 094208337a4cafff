// Scaling policies: from a width to a whole training run (MODEL.md section 8), with the
// paper's laws as the defaults and their generalisations used by sweeps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costmodel/model.hpp"

namespace llmsweep::search {

// The element of {f * 2^i : f in {1,3,5,7,9}, 0 <= i < 60} nearest to x, ties to the smaller.
std::int64_t closest(double x);

// Depth: L = closest(multiplier * 0.10056 * (d*f)^0.3751), the Chinchilla-shape fit. With an
// exponent, the law keeps the fit's value at the paper's smallest model (d = 12288, f = 4d) and
// scales as (d*f)^exponent from there: below 0.3751 is shorter and fatter.
struct DepthLaw {
  double multiplier = 1;
  std::optional<double> exponent;
  bool operator==(const DepthLaw&) const = default;
};
std::int64_t depth_for(std::int64_t d_model, std::int64_t d_ff, const DepthLaw& law = {});

enum class ExpertsPolicy { dense, width_scaled };
std::int64_t experts_for(std::int64_t d_model, std::int64_t d_ff, ExpertsPolicy policy);

// Batch in sequences for a run of `compute_flop` (C of section 7).
//  default:  E * closest(sqrt(E) * (C/3e23)^(1/6) * 2^22 / S / E)
//  deepseek: E * closest(sqrt(E) * 0.2920 * C^0.3271 / S / E)
//  none:     2^22 // S
//  power:    default with the exponent 1/6 replaced by `exponent` (1/6 is exactly default)
//  step-law: E * closest(0.58 * D^0.571 / S / E), D the training tokens (Li et al. 2025, "Step
//            Law"; docs/MODEL-EXTENDED.md E7). Under the model's D = 20 P and C = 6 P D / E,
//            D = sqrt(C E / 0.3). No sqrt(E) factor: the law holds across sparsity.
// A multiplier scales the tokens before rounding (none: floor(multiplier * 2^22 / S)).
enum class BatchPolicy { default_law, deepseek, none, power, step_law };
struct BatchLaw {
  BatchPolicy policy = BatchPolicy::default_law;
  double multiplier = 1;
  double exponent = 1.0 / 6.0;  // power only
  bool operator==(const BatchLaw&) const = default;
};
std::int64_t batch_for(double compute_flop, std::int64_t experts, std::int64_t seq_len, const BatchLaw& law);

std::string_view batch_policy_name(BatchPolicy p);
std::optional<BatchPolicy> batch_policy_from_name(std::string_view name);
std::string_view experts_policy_name(ExpertsPolicy p);
std::optional<ExpertsPolicy> experts_policy_from_name(std::string_view name);

// The paper's widths: {f * 2^i : f odd in 1..15, 11 <= i <= 21} within [lo, hi], ascending.
inline constexpr std::int64_t kPaperMinWidth = 12288;
inline constexpr std::int64_t kPaperMaxWidth = 128 * 12288;
std::vector<std::int64_t> paper_widths(std::int64_t lo = kPaperMinWidth, std::int64_t hi = kPaperMaxWidth);

// Everything a width determines under the policies (section 8).
struct ScalingPolicy {
  double ff_ratio = 4;  // f = ff_ratio * d, rounded to the nearest integer
  DepthLaw depth;
  ExpertsPolicy experts = ExpertsPolicy::dense;
  BatchLaw batch;
  std::int64_t seq_len = 2048;
  bool operator==(const ScalingPolicy&) const = default;
};
std::int64_t ff_for(std::int64_t d_model, double ff_ratio);
costmodel::Model model_for_width(std::int64_t d_model, const ScalingPolicy& policy);

}  // namespace llmsweep::search
