// Frontier rows and thresholds derived from a results file alone (MODEL.md section 9): rows
// are grouped into scenarios (every input but the width), walked by ascending width, and cut
// at the first infeasible width or after the first row under 0.001 utilization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grid/row.hpp"
#include "io/results_file.hpp"
#include "search/frontier.hpp"

namespace llmsweep::io {

struct Scenario {
  std::string label;            // "h100-sxm dense default zb=1 ..."
  std::vector<grid::Row> rows;  // the frontier rows, ascending width
  search::Thresholds thresholds;
  std::uint64_t points = 0;   // grid points in the scenario
  std::uint64_t pending = 0;  // not computed yet
};

// `labels` are the hardware stems, `caps` their utilization caps (both from the file).
std::vector<Scenario> scenarios(const std::vector<grid::Row>& rows, const std::vector<std::string>& labels,
                                const std::vector<double>& caps);

// The scenarios of a file with only its feasible rows kept: a width with no row is infeasible
// once the file is complete (its d_model read from the width axis labels where they are
// widths), not yet known before.
std::vector<Scenario> feasible_scenarios(const std::vector<grid::Row>& rows, const StoredInfo& info);

}  // namespace llmsweep::io
