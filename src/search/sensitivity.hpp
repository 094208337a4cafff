// What moves the wall: the elasticity of each frontier threshold to each hardware number.
// Thresholds are refined beyond the paper's coarse width set so that small changes show:
// the end of linear scaling is interpolated (in log compute) where utilization crosses
// 0.8 x cap, and the latency wall is bisected over a finer width set between the last
// feasible and the first infeasible paper width.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costmodel/hardware.hpp"
#include "search/frontier.hpp"

namespace llmsweep::search {

struct RefinedThresholds {
  Thresholds coarse;  // the paper's walk (MODEL.md section 9)
  std::optional<double> linear_scaling_ends_flop;
  std::optional<double> largest_feasible_flop;
  std::optional<std::int64_t> largest_feasible_d_model;
};

// {f * 2^i : f odd in 1..63}: 32 widths per octave, the paper's set included.
std::vector<std::int64_t> fine_widths(std::int64_t lo, std::int64_t hi);

RefinedThresholds refined_thresholds(const costmodel::Machine& machine, const FrontierSpec& spec);

enum class HardwareNumber {
  flops,  // dense tensor FLOP/s (flop_per_clock_per_thread)
  hbm_bandwidth,
  l2_bandwidth,
  nvlink_bandwidth,    // level 0 link bandwidth
  scaleout_bandwidth,  // top level link bandwidth (profiles with more than one level)
  nvlink_domain,       // GPUs per level-0 domain
  kernel_latency,
  link_latency,  // every level
  memory,
};
inline constexpr int kHardwareNumbers = 9;
const char* hardware_number_name(HardwareNumber n);
const char* hardware_number_units(HardwareNumber n);

// The profile with one number scaled by `factor`; nullopt when the number does not apply
// (no levels to scale) or the result is not a valid profile (a domain under 2 GPUs).
std::optional<costmodel::Hardware> scaled(const costmodel::Hardware& hw, HardwareNumber n, double factor);
double hardware_value(const costmodel::Hardware& hw, HardwareNumber n);

// One number moved by one factor both ways.
struct SensitivityStep {
  double factor = 2;
  bool applies = true;     // false: the number cannot be moved by this factor (e.g. 8 GPUs / 1.25)
  RefinedThresholds down;  // number / factor
  RefinedThresholds up;    // number * factor
  // Central elasticity d ln(threshold) / d ln(number) = ln(up / down) / (2 ln factor).
  std::optional<double> linear_scaling_elasticity;
  std::optional<double> wall_elasticity;
  // One-sided: ln(baseline / down) / ln factor and ln(up / baseline) / ln factor.
  std::optional<double> linear_scaling_down_elasticity, linear_scaling_up_elasticity;
  std::optional<double> wall_down_elasticity, wall_up_elasticity;
  // The two sides differ by more than 2x (or move the threshold in opposite directions): the
  // step crosses a change of regime, and the central elasticity describes neither side.
  bool linear_scaling_regime_change = false;
  bool wall_regime_change = false;
};

// Whether one-sided elasticities `down` and `up` differ by more than kRegimeRatio (or have
// opposite signs), ignoring pairs where both are below kRegimeFloor in size (no effect either way).
inline constexpr double kRegimeRatio = 2;
inline constexpr double kRegimeFloor = 0.05;
bool regime_change(const std::optional<double>& down, const std::optional<double>& up);

struct SensitivityRow {
  HardwareNumber number;
  double baseline_value = 0;
  std::vector<SensitivityStep> steps;  // one per factor, in the order asked for
  // The last step that applies: x/÷ 2 by default, the factor sensitivity files carried before
  // --step, so that their readers see the same figures; every step is in `steps`.
  const SensitivityStep& primary() const;
  bool regime_change() const;  // at any step, for either threshold
};

// The default steps: x/÷ 1.25 (local) and x/÷ 2 (the paper-era factor), both shown.
inline const std::vector<double> kDefaultSensitivitySteps{1.25, 2};

struct Sensitivity {
  std::vector<double> factors;
  RefinedThresholds baseline;
  std::vector<SensitivityRow> rows;  // ranked: largest |wall elasticity| of the primary step first
};

// Every factor must be > 1 and finite.
Sensitivity sensitivity(const costmodel::Hardware& hw, const FrontierSpec& spec,
                        const std::vector<double>& factors = kDefaultSensitivitySteps);

}  // namespace llmsweep::search
