// How runs under the extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7) are shown:
// the failure overhead as its own term beside the step breakdown, each ramp phase with its plan.
// The fields are api/records.hpp's, shared with the Python module.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "search/frontier.hpp"
#include "search/run.hpp"

namespace llmsweep::cli {

// {"terms": ..., fields of api::visit_run ..., "phases": [{fields, "plan", "evaluation"}]}.
nlohmann::json run_json(const search::RunResult& r, const search::RunTerms& terms);

void print_run(std::ostream& out, const search::RunResult& r, const search::RunTerms& terms);

// Rows of a frontier walked with run-level terms: compute, failure overhead and wall time.
void print_frontier_runs(std::ostream& out, const std::vector<search::FrontierRow>& rows);

}  // namespace llmsweep::cli
