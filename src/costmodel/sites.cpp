#include "costmodel/sites.hpp"

#include <cmath>

namespace llmsweep::costmodel {

std::string_view site_crossing_name(SiteCrossing c) {
  switch (c) {
    case SiteCrossing::dp:
      return "dp";
    case SiteCrossing::dp_pp:
      return "dp-pp";
  }
  return "?";
}

std::optional<SiteCrossing> site_crossing_from_name(std::string_view name) {
  for (SiteCrossing c : {SiteCrossing::dp, SiteCrossing::dp_pp})
    if (name == site_crossing_name(c)) return c;
  return std::nullopt;
}

Hardware with_site_level(const Hardware& hw, const SiteLevel& sites, std::int64_t gpus_per_site) {
  Hardware out = hw;
  out.level_sizes.clear();
  std::int64_t running = 1;
  for (std::int64_t size : hw.level_sizes) {
    const std::int64_t here = running * size <= gpus_per_site ? size : gpus_per_site / running;
    out.level_sizes.push_back(here);
    running *= here;
  }
  out.level_sizes.push_back(gpus_per_site / running);
  out.link_bandwidth_Bps.push_back(sites.bandwidth_Bps);
  out.link_latency_s.push_back(sites.latency_s);
  return out;
}

bool crosses_sites(SiteCrossing crossing, Kind kind) {
  if (kind == Kind::dp) return true;
  return crossing == SiteCrossing::dp_pp && kind == Kind::pp;
}

std::optional<SiteProblem> check_site_level(const Hardware& hw, const SiteLevel& sites) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<SiteProblem>(SiteProblem{field, std::move(message)});
  };
  if (sites.count < 1) return problem("count", "must be >= 1, got " + std::to_string(sites.count));
  if (!sites.active()) return std::nullopt;
  if (hw.levels() + 1 > kMaxLevels)
    return problem("count", hw.name + " already has " + std::to_string(hw.levels()) +
                                " network levels; a site level would pass the " + std::to_string(kMaxLevels) +
                                " supported");
  for (int l = 0; l < hw.levels(); ++l)
    if (hw.topology_of(l) == Topology::torus)
      return problem("count", hw.name + "'s network level " + std::to_string(l) +
                                  " is a torus: sites above a torus are not modelled (a site would cut it)");
  if (!(sites.bandwidth_Bps > 0) || !std::isfinite(sites.bandwidth_Bps))
    return problem("bandwidth", "must be > 0 and finite");
  if (!(sites.latency_s >= 0) || !std::isfinite(sites.latency_s))
    return problem("latency", "must be >= 0 and finite");
  const double top_bandwidth = hw.link_bandwidth_Bps.back();
  const double top_latency = hw.link_latency_s.back();
  if (sites.bandwidth_Bps > top_bandwidth)
    return problem("bandwidth", "the site level must be the top level: its bandwidth " +
                                    std::to_string(sites.bandwidth_Bps / 1e9) + " GB/s is above " + hw.name +
                                    "'s scale-out level's " + std::to_string(top_bandwidth / 1e9) + " GB/s");
  if (sites.latency_s < top_latency)
    return problem("latency", "the site level must be the top level: its latency " +
                                  std::to_string(sites.latency_s * 1e3) + " ms is below " + hw.name +
                                  "'s scale-out level's " + std::to_string(top_latency * 1e3) + " ms");
  return std::nullopt;
}

}  // namespace llmsweep::costmodel
