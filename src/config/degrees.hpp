// Parallelism degree axes of a spec (internal to config/): a total, per-level degrees, or
// { total = N, split = "all" | "best" }, each checked against the limits before it is used.
#pragma once

#include <string_view>
#include <vector>

#include "config/axis_values.hpp"
#include "grid/axes.hpp"

namespace llmsweep::config::detail {

// One degree axis: an integer (a total whose split over the network levels is searched, the
// best kept), an array (one degree per level, inside a node first), or a table
// { total = N, split = "all" } that makes every split of N its own grid point. `levels_agree`:
// whether every profile has `levels_needed` network levels (per-level degrees need it).
std::vector<grid::DegreeValue> degrees(TableReader& r, Ctx& ctx, std::string_view key, int levels_needed,
                                       bool levels_agree);

}  // namespace llmsweep::config::detail
