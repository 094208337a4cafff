// The hardware side of the model (MODEL.md section 1): one GPU type and the network that joins
// them. SI units throughout; bandwidths are bytes per second, link bandwidths bidirectional.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "costmodel/run_data.hpp"

namespace llmsweep::costmodel {

// Most network levels a profile may have (level_sizes entries + 1). Plans keep per-level
// degrees in fixed arrays of this size so that evaluation never allocates.
inline constexpr int kMaxLevels = 6;

struct Hardware {
  std::string name;  // display name, e.g. "H100 SXM"
  int bits = 16;     // training precision
  double flop_per_clock_per_thread = 0;
  double register_bytes_per_block = 0;
  std::int64_t sms = 0;
  double l2_bandwidth_Bps = 0;
  double l2_bytes = 0;
  double hbm_bandwidth_Bps = 0;
  double max_clock_hz = 0;
  double utilization_cap = 0;
  bool dsmem = false;
  double memory_bytes = 0;
  double kernel_latency_s = 0;
  std::vector<std::int64_t> level_sizes;   // GPUs per level below the top; K entries
  std::vector<double> link_bandwidth_Bps;  // K + 1 entries, per GPU, bidirectional
  std::vector<double> link_latency_s;      // K + 1 entries, one hop
  // Extended model only (docs/MODEL-EXTENDED.md E4, E5): present when the profile gives them.
  std::optional<FailureModel> failures;
  std::optional<SiteLevel> sites;

  int levels() const { return static_cast<int>(link_bandwidth_Bps.size()); }
};

// Quantities derived from a profile once (section 1), used on the hot path.
struct Machine {
  Hardware hw;
  double word_bytes = 0;    // w = bits / 8
  double reg_bytes = 0;     // R  = 0.75 * register_bytes_per_block
  double l2_cap_bytes = 0;  // L2 = 0.75 * l2_bytes
  double clock_hz = 0;      // max_clock_hz * utilization_cap
  double smem_Bps = 0;      // beta_s = 128 * sms * clock
  double flops = 0;         // F, achievable FLOP/s
  double peak_flops = 0;    // Fpeak
};

// Builds the derived quantities; the profile must already be valid (see validate_hardware).
Machine make_machine(const Hardware& hw);

// The profile with its network collapsed to one level: bandwidth the sum over levels, latency
// the smallest (section 6, used only to prune the plan search).
Hardware flatten(const Hardware& hw);

// What is wrong with a profile: the field (a Hardware member, without its unit suffix) and why.
struct HardwareProblem {
  std::string field;
  std::string message;
};
std::optional<HardwareProblem> check_hardware(const Hardware& hw);

// Empty when the profile is usable; otherwise a one-line reason naming the field.
std::string validate_hardware(const Hardware& hw);

}  // namespace llmsweep::costmodel
