// llmsweep sensitivity: which single hardware improvement buys the most compute? The elasticity
// of each frontier threshold to each hardware number, ranked.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/commands.hpp"
#include "api/options.hpp"
#include "api/records.hpp"
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::cli {
namespace {

nlohmann::json thresholds_json(const search::RefinedThresholds& t) {
  nlohmann::json j = nlohmann::json::object();
  api::visit_refined_thresholds(t, JsonFields{j});
  return j;
}

std::string elasticity(const std::optional<double>& e) {
  return e ? fixed(*e, 3) : "-";
}
std::string flop(const std::optional<double>& v) {
  return v ? sci(*v, 3) : "-";
}

int run_sensitivity(const api::SensitivityArgs& a, bool as_json) {
  const api::SensitivityResult r = api::sensitivity(a);
  const search::Sensitivity& s = r.sensitivity;
  const config::Profile& profile = r.profile;
  if (as_json) {
    nlohmann::json rows = nlohmann::json::array();
    int rank = 0;
    for (const search::SensitivityRow& row : s.rows) {
      nlohmann::json j = nlohmann::json::object();
      api::visit_sensitivity_row(row, ++rank, JsonFields{j});
      j["down"] = thresholds_json(row.down);
      j["up"] = thresholds_json(row.up);
      rows.push_back(std::move(j));
    }
    nlohmann::json j = nlohmann::json::object();
    api::visit_sensitivity_scenario(r, JsonFields{j});
    j["baseline"] = thresholds_json(s.baseline);
    j["rows"] = std::move(rows);
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Sensitivity of " << profile.hardware.name << " (" << a.frontier.experts << ", "
            << a.frontier.batch << " batch): each number divided and multiplied by " << a.factor << "\n"
            << "elasticity = d ln(threshold) / d ln(number); thresholds refined between the widths walked\n";
  if (!s.baseline.coarse.first_infeasible_d_model)
    std::cout << "note: no walked width is infeasible, so the 'wall' below is only the widest width walked\n";
  std::cout << "\n";
  print_block(
      std::cout, "Baseline",
      {{"linear scaling ends", flop(s.baseline.linear_scaling_ends_flop) + " FLOP (on the widths walked: " +
                                   flop(s.baseline.coarse.linear_scaling_ends_flop) + ")"},
       {"latency wall", flop(s.baseline.largest_feasible_flop) + " FLOP (on the widths walked: " +
                            flop(s.baseline.coarse.largest_feasible_flop) + ")"}});
  std::cout << "\n";
  char f[32];
  std::snprintf(f, sizeof f, "%g", a.factor);
  const std::string k = f;
  Table t({"rank", "number", "value", "wall elasticity", "wall /" + k, "wall x" + k, "linear-end elasticity",
           "linear end /" + k, "linear end x" + k},
          {true, false, true, true, true, true, true, true, true});
  int rank = 0;
  for (const search::SensitivityRow& row : s.rows)
    t.add({std::to_string(++rank), search::hardware_number_name(row.number),
           sci(row.baseline_value, 3) + " " + search::hardware_number_units(row.number),
           elasticity(row.wall_elasticity), flop(row.down.largest_feasible_flop),
           flop(row.up.largest_feasible_flop), elasticity(row.linear_scaling_elasticity),
           flop(row.down.linear_scaling_ends_flop), flop(row.up.linear_scaling_ends_flop)});
  t.print(std::cout);
  return kExitOk;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<api::SensitivityArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand(
      "sensitivity", "Elasticity of the frontier thresholds to each hardware number: what moves the wall?");
  add_options(sub, *args);
  sub->add_flag("--json", *as_json, "Print JSON");
  sub->callback(
      [args, as_json, &action] { action = [args, as_json] { return run_sensitivity(*args, *as_json); }; });
}

}  // namespace llmsweep::cli
