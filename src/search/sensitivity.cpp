#include "search/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace llmsweep::search {
namespace {

// ln(hi / lo) / (span x ln factor): span 2 for the central difference, 1 for one side.
std::optional<double> elasticity(const std::optional<double>& lo, const std::optional<double>& hi,
                                 double factor, double span = 2) {
  if (!lo || !hi || *lo <= 0 || *hi <= 0) return std::nullopt;
  return std::log(*hi / *lo) / (span * std::log(factor));
}

SensitivityStep step_for(const costmodel::Hardware& hw, HardwareNumber n, double factor,
                         const RefinedThresholds& base, const FrontierSpec& spec, bool& applies) {
  SensitivityStep s;
  s.factor = factor;
  const auto down = scaled(hw, n, 1 / factor);
  const auto up = scaled(hw, n, factor);
  applies = down && up;
  if (!applies) return s;
  s.down = refined_thresholds(costmodel::make_machine(*down), spec);
  s.up = refined_thresholds(costmodel::make_machine(*up), spec);
  s.linear_scaling_elasticity =
      elasticity(s.down.linear_scaling_ends_flop, s.up.linear_scaling_ends_flop, factor);
  s.wall_elasticity = elasticity(s.down.largest_feasible_flop, s.up.largest_feasible_flop, factor);
  s.linear_scaling_down_elasticity =
      elasticity(s.down.linear_scaling_ends_flop, base.linear_scaling_ends_flop, factor, 1);
  s.linear_scaling_up_elasticity =
      elasticity(base.linear_scaling_ends_flop, s.up.linear_scaling_ends_flop, factor, 1);
  s.wall_down_elasticity = elasticity(s.down.largest_feasible_flop, base.largest_feasible_flop, factor, 1);
  s.wall_up_elasticity = elasticity(base.largest_feasible_flop, s.up.largest_feasible_flop, factor, 1);
  s.linear_scaling_regime_change =
      regime_change(s.linear_scaling_down_elasticity, s.linear_scaling_up_elasticity);
  s.wall_regime_change = regime_change(s.wall_down_elasticity, s.wall_up_elasticity);
  return s;
}

bool feasible(const costmodel::Machine& mc, std::int64_t width, const FrontierSpec& spec, double max_run_s,
              double* compute) {
  const costmodel::Model model = model_for_width(width, spec.policy);
  const ClusterResult r = smallest_cluster(mc, model, max_run_s, spec.search, cluster_sizes_of(spec));
  if (compute) *compute = model.compute_flop();
  return r.found();
}

}  // namespace

std::vector<std::int64_t> fine_widths(std::int64_t lo, std::int64_t hi) {
  std::set<std::int64_t> s;
  for (std::int64_t f = 1; f <= 63; f += 2)
    for (int i = 0; i < 40; ++i) {
      const std::int64_t w = f << i;
      if (w > hi) break;
      if (w >= lo) s.insert(w);
    }
  return {s.begin(), s.end()};
}

RefinedThresholds refined_thresholds(const costmodel::Machine& machine, const FrontierSpec& spec) {
  RefinedThresholds out;
  const costmodel::Machine& mc = machine;
  const Frontier f = frontier(mc, spec);
  out.coarse = f.thresholds;
  // End of linear scaling: where utilization crosses 0.8 x cap, interpolated in log compute.
  const double limit = kLinearScalingFraction * machine.hw.utilization_cap;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    const double u = f.rows[i].result.evaluation.utilization;
    if (u > limit) continue;
    if (i == 0) {
      out.linear_scaling_ends_flop = f.rows[0].compute_flop;
    } else {
      const double ua = f.rows[i - 1].result.evaluation.utilization;
      const double la = std::log(f.rows[i - 1].compute_flop), lb = std::log(f.rows[i].compute_flop);
      out.linear_scaling_ends_flop = std::exp(la + (ua - limit) / (ua - u) * (lb - la));
    }
    break;
  }
  if (f.rows.empty()) return out;
  out.largest_feasible_flop = f.rows.back().compute_flop;
  out.largest_feasible_d_model = f.rows.back().model.d_model;
  // The wall: bisect the finer widths between the last feasible and the first infeasible one.
  if (!f.thresholds.first_infeasible_d_model) return out;
  const std::vector<std::int64_t> between =
      fine_widths(f.rows.back().model.d_model + 1, *f.thresholds.first_infeasible_d_model - 1);
  const double max_run_s = max_run_seconds(spec.run_months);
  std::size_t lo = 0, hi = between.size();  // between[0, lo) feasible, [hi, end) infeasible
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    double compute = 0;
    if (feasible(mc, between[mid], spec, max_run_s, &compute)) {
      lo = mid + 1;
      out.largest_feasible_flop = compute;
      out.largest_feasible_d_model = between[mid];
    } else {
      hi = mid;
    }
  }
  return out;
}

const char* hardware_number_name(HardwareNumber n) {
  switch (n) {
    case HardwareNumber::flops:
      return "flops";
    case HardwareNumber::hbm_bandwidth:
      return "hbm_bandwidth";
    case HardwareNumber::l2_bandwidth:
      return "l2_bandwidth";
    case HardwareNumber::nvlink_bandwidth:
      return "nvlink_bandwidth";
    case HardwareNumber::scaleout_bandwidth:
      return "scaleout_bandwidth";
    case HardwareNumber::nvlink_domain:
      return "nvlink_domain";
    case HardwareNumber::kernel_latency:
      return "kernel_latency";
    case HardwareNumber::link_latency:
      return "link_latency";
    case HardwareNumber::memory:
      return "memory";
  }
  return "?";
}

const char* hardware_number_units(HardwareNumber n) {
  switch (n) {
    case HardwareNumber::flops:
      return "FLOP/s";
    case HardwareNumber::hbm_bandwidth:
    case HardwareNumber::l2_bandwidth:
    case HardwareNumber::nvlink_bandwidth:
    case HardwareNumber::scaleout_bandwidth:
      return "B/s";
    case HardwareNumber::nvlink_domain:
      return "GPUs";
    case HardwareNumber::kernel_latency:
    case HardwareNumber::link_latency:
      return "s";
    case HardwareNumber::memory:
      return "B";
  }
  return "";
}

double hardware_value(const costmodel::Hardware& hw, HardwareNumber n) {
  switch (n) {
    case HardwareNumber::flops:
      return costmodel::make_machine(hw).peak_flops;
    case HardwareNumber::hbm_bandwidth:
      return hw.hbm_bandwidth_Bps;
    case HardwareNumber::l2_bandwidth:
      return hw.l2_bandwidth_Bps;
    case HardwareNumber::nvlink_bandwidth:
      return hw.link_bandwidth_Bps.front();
    case HardwareNumber::scaleout_bandwidth:
      return hw.link_bandwidth_Bps.back();
    case HardwareNumber::nvlink_domain:
      return hw.level_sizes.empty() ? 0 : static_cast<double>(hw.level_sizes.front());
    case HardwareNumber::kernel_latency:
      return hw.kernel_latency_s;
    case HardwareNumber::link_latency:
      return hw.link_latency_s.front();
    case HardwareNumber::memory:
      return hw.memory_bytes;
  }
  return 0;
}

std::optional<costmodel::Hardware> scaled(const costmodel::Hardware& hw, HardwareNumber n, double factor) {
  costmodel::Hardware out = hw;
  switch (n) {
    case HardwareNumber::flops:
      if (hw.engine == costmodel::MatmulEngine::systolic)
        out.systolic_peak_flops *= factor;
      else
        out.flop_per_clock_per_thread *= factor;
      break;
    case HardwareNumber::hbm_bandwidth:
      out.hbm_bandwidth_Bps *= factor;
      break;
    case HardwareNumber::l2_bandwidth:
      if (hw.engine == costmodel::MatmulEngine::systolic) return std::nullopt;  // no L2 in E4
      out.l2_bandwidth_Bps *= factor;
      break;
    case HardwareNumber::nvlink_bandwidth:
      if (hw.levels() < 2) return std::nullopt;  // one level: it is the whole network
      out.link_bandwidth_Bps.front() *= factor;
      break;
    case HardwareNumber::scaleout_bandwidth:
      out.link_bandwidth_Bps.back() *= factor;
      break;
    case HardwareNumber::nvlink_domain: {
      if (hw.level_sizes.empty()) return std::nullopt;
      const double s = std::round(static_cast<double>(hw.level_sizes.front()) * factor);
      // Past the profile limit the cast below could overflow; validate_hardware refuses it anyway.
      if (s < 2 || s > static_cast<double>(costmodel::kMaxLevelSize) ||
          std::fabs(s - static_cast<double>(hw.level_sizes.front()) * factor) > 1e-9)
        return std::nullopt;
      out.level_sizes.front() = static_cast<std::int64_t>(s);
      break;
    }
    case HardwareNumber::kernel_latency:
      out.kernel_latency_s *= factor;
      break;
    case HardwareNumber::link_latency:
      for (double& l : out.link_latency_s) l *= factor;
      break;
    case HardwareNumber::memory:
      out.memory_bytes *= factor;
      break;
  }
  if (!costmodel::validate_hardware(out).empty()) return std::nullopt;
  return out;
}

bool regime_change(const std::optional<double>& down, const std::optional<double>& up) {
  if (!down || !up) return false;
  const double a = std::fabs(*down), b = std::fabs(*up);
  const double hi = std::max(a, b), lo = std::min(a, b);
  if (hi < kRegimeFloor) return false;
  const bool opposite = (*down > 0 && *up < 0) || (*down < 0 && *up > 0);
  return opposite || hi > kRegimeRatio * lo;
}

const SensitivityStep& SensitivityRow::primary() const {
  for (auto it = steps.rbegin(); it != steps.rend(); ++it)
    if (it->applies) return *it;
  return steps.back();
}

bool SensitivityRow::regime_change() const {
  for (const SensitivityStep& s : steps)
    if (s.wall_regime_change || s.linear_scaling_regime_change) return true;
  return false;
}

Sensitivity sensitivity(const costmodel::Hardware& hw, const FrontierSpec& spec,
                        const std::vector<double>& factors) {
  Sensitivity out;
  out.factors = factors;
  out.baseline = refined_thresholds(costmodel::make_machine(hw), spec);
  if (factors.empty()) return out;
  for (int i = 0; i < kHardwareNumbers; ++i) {
    const auto n = static_cast<HardwareNumber>(i);
    SensitivityRow row;
    row.number = n;
    row.baseline_value = hardware_value(hw, n);
    bool any = false;
    for (double f : factors) {
      bool applies = false;
      row.steps.push_back(step_for(hw, n, f, out.baseline, spec, applies));
      row.steps.back().applies = applies;
      any = any || applies;
    }
    if (any) out.rows.push_back(std::move(row));
  }
  const auto key = [](const SensitivityRow& r) {
    const SensitivityStep& s = r.primary();
    return std::make_pair(s.wall_elasticity ? std::fabs(*s.wall_elasticity) : -1.0,
                          s.linear_scaling_elasticity ? std::fabs(*s.linear_scaling_elasticity) : -1.0);
  };
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [&key](const SensitivityRow& a, const SensitivityRow& b) { return key(a) > key(b); });
  return out;
}

}  // namespace llmsweep::search
