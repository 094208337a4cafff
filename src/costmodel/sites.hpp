// Training across sites (docs/MODEL-EXTENDED.md E6): a top network level of K sites above a
// profile's own levels. Each site is a copy of the profile's network holding N / K GPUs; the
// site level's links carry the traffic between sites with their own bandwidth and latency, in
// the same formulas as every other level (MODEL.md section 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "costmodel/hardware.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/run_data.hpp"

namespace llmsweep::costmodel {

// The profile with the site level on top. Its level sizes are the profile's, adjusted to a site
// of `gpus_per_site` GPUs as the plan search adjusts them to a cluster (full levels while they
// fit, the remainder at the first level that reaches the site's size, 1 above it), and the
// site's own top level of gpus_per_site / (those sizes) GPUs; the site level holds the rest.
// gpus_per_site must fill the profile's levels (search::fits_levels).
Hardware with_site_level(const Hardware& hw, const SiteLevel& sites, std::int64_t gpus_per_site);

// Whether a kind of parallelism may have a degree above 1 at the site level.
bool crosses_sites(SiteCrossing crossing, Kind kind);

// What is wrong with a site level on this profile, if anything: the field ("count",
// "bandwidth", "latency") and why. The site level must be the slowest and farthest: its
// bandwidth at most and its latency at least the profile's top (scale-out) level's. Profiles
// with a torus level (MODEL-EXTENDED.md E3) are refused: a site smaller than the torus would cut it.
struct SiteProblem {
  std::string field;
  std::string message;
};
std::optional<SiteProblem> check_site_level(const Hardware& hw, const SiteLevel& sites);

}  // namespace llmsweep::costmodel
