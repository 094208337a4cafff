// Sweep axes of the extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7): failure
// and recovery inputs, the site level, batch ramps. A field left unset takes the profile's value
// ([failures] and [sites] tables), so the default value of each axis is "the profile's".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "costmodel/run_data.hpp"
#include "search/ramp.hpp"
#include "search/run.hpp"

namespace llmsweep::grid {

struct FailureValue {
  std::optional<costmodel::Recovery> recovery;
  std::optional<double> gpu_mtbf_s;
  std::optional<double> checkpoint_write_Bps;
  std::optional<double> checkpoint_read_Bps;
  std::optional<double> restart_s;
  bool is_default() const { return *this == FailureValue{}; }
  bool operator==(const FailureValue&) const = default;
};

struct SiteValue {
  std::optional<std::int64_t> count;
  std::optional<double> bandwidth_Bps;
  std::optional<double> latency_s;
  std::optional<costmodel::SiteCrossing> crossing;
  bool is_default() const { return *this == SiteValue{}; }
  bool operator==(const SiteValue&) const = default;
};

struct RampValue {
  search::BatchRamp ramp;
  search::RampPlans plans = search::RampPlans::per_phase;
  bool is_default() const { return *this == RampValue{}; }
  bool operator==(const RampValue&) const = default;
};

// Axis labels ("profile" for the default value) and the exact values behind them.
std::string failure_label(const FailureValue& v);
std::string site_label(const SiteValue& v);
std::string ramp_axis_label(const RampValue& v);
std::string exact_run_values(const FailureValue& f, const SiteValue& s, const RampValue& r);

search::RunInputs run_inputs(const FailureValue& f, const SiteValue& s, const RampValue& r);

}  // namespace llmsweep::grid
