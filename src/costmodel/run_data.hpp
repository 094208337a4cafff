// Profile data of the run-level terms of the extended model (docs/MODEL-EXTENDED.md E5, E6):
// how often GPUs fail and how a run recovers, and the network between sites. Plain data with
// SI units; the formulas live in costmodel/failures.hpp and costmodel/sites.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace llmsweep::costmodel {

// How a run gets its state back after a failure (E5).
enum class Recovery : std::uint8_t {
  none = 0,     // failures are not modelled (the reference model's assumption)
  storage = 1,  // checkpoints written to and read from storage of fixed total bandwidth
  peer = 2,     // checkpoints kept in peers' memory, copied over each GPU's own network link
};
inline constexpr int kRecoveries = 3;
std::string_view recovery_name(Recovery r);
std::optional<Recovery> recovery_from_name(std::string_view name);

struct FailureModel {
  Recovery recovery = Recovery::none;
  double gpu_mtbf_s = 0;            // mean time between failures of one GPU (a node's MTBF x its GPUs)
  double checkpoint_write_Bps = 0;  // storage write bandwidth of the whole cluster (storage recovery)
  double checkpoint_read_Bps = 0;   // storage read bandwidth of the whole cluster (storage recovery)
  double restart_s = 0;             // per failure: detection, replacement, re-initialization (not the state)
  bool active() const { return recovery != Recovery::none; }
  bool operator==(const FailureModel&) const = default;
};

// Which kinds of parallelism the plan search may place across sites (E6).
enum class SiteCrossing : std::uint8_t {
  dp = 0,     // data parallelism only
  dp_pp = 1,  // data and pipeline parallelism
};
inline constexpr int kSiteCrossings = 2;
std::string_view site_crossing_name(SiteCrossing c);
std::optional<SiteCrossing> site_crossing_from_name(std::string_view name);

// A top network level of `count` sites above the profile's own levels; count 1 is one site.
struct SiteLevel {
  std::int64_t count = 1;
  double bandwidth_Bps = 0;  // per GPU, bidirectional, between sites
  double latency_s = 0;      // one hop across the site network
  SiteCrossing crossing = SiteCrossing::dp;
  bool active() const { return count > 1; }
  bool operator==(const SiteLevel&) const = default;
};

}  // namespace llmsweep::costmodel
