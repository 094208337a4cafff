// llmsweep sensitivity: which single hardware improvement buys the most compute? The elasticity
// of each frontier threshold to each hardware number, ranked, at each step asked for.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
std::string step_name(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", f);
  return b;
}

void print_json(const api::SensitivityResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  int rank = 0;
  for (const search::SensitivityRow& row : r.sensitivity.rows) {
    nlohmann::json j = nlohmann::json::object();
    api::visit_sensitivity_row(row, ++rank, JsonFields{j});
    j["down"] = thresholds_json(row.primary().down);
    j["up"] = thresholds_json(row.primary().up);
    nlohmann::json steps = nlohmann::json::array();
    for (const search::SensitivityStep& t : row.steps) {
      nlohmann::json sj = nlohmann::json::object();
      api::visit_sensitivity_step(t, JsonFields{sj});
      sj["down"] = thresholds_json(t.down);
      sj["up"] = thresholds_json(t.up);
      steps.push_back(std::move(sj));
    }
    j["steps"] = std::move(steps);
    rows.push_back(std::move(j));
  }
  nlohmann::json j = nlohmann::json::object();
  api::visit_sensitivity_scenario(r, JsonFields{j});
  j["baseline"] = thresholds_json(r.sensitivity.baseline);
  j["rows"] = std::move(rows);
  std::cout << j.dump(2) << "\n";
}

std::string regime_flag(const search::SensitivityRow& r) {
  bool wall = false, linear = false;
  for (const search::SensitivityStep& t : r.steps) {
    wall = wall || t.wall_regime_change;
    linear = linear || t.linear_scaling_regime_change;
  }
  return wall && linear ? "REGIME: wall, linear" : wall ? "REGIME: wall" : linear ? "REGIME: linear" : "";
}

void print_table(const api::SensitivityResult& r) {
  const search::Sensitivity& s = r.sensitivity;
  const api::FrontierArgs& a = r.args.frontier;
  std::string steps;
  for (double f : s.factors) steps += (steps.empty() ? "" : " and ") + step_name(f);
  std::cout
      << "Sensitivity of " << r.profile.hardware.name << " (" << a.experts << ", " << a.batch << " batch, "
      << a.cost_model.model << " model): each number divided and multiplied by " << steps << "\n"
      << "elasticity = d ln(threshold) / d ln(number), central over each step; REGIME: the divided and "
         "multiplied sides differ by more than 2x at some step, so one step crosses a change of regime and "
         "the central value describes neither side\n";
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
  std::vector<std::string> header{"rank", "number", "value"};
  for (double f : s.factors) {
    const std::string k = step_name(f);
    header.insert(header.end(), {"wall el. " + k, "wall /" + k, "wall x" + k});
  }
  for (double f : s.factors) {
    const std::string k = step_name(f);
    header.insert(header.end(), {"linear el. " + k, "linear /" + k, "linear x" + k});
  }
  header.push_back("flag");
  std::vector<bool> right(header.size(), true);
  right[1] = false;
  right.back() = false;
  Table t(header, right);
  int rank = 0;
  for (const search::SensitivityRow& row : s.rows) {
    std::vector<std::string> cells{
        std::to_string(++rank), search::hardware_number_name(row.number),
        sci(row.baseline_value, 3) + " " + search::hardware_number_units(row.number)};
    for (const search::SensitivityStep& x : row.steps)
      cells.insert(cells.end(), {elasticity(x.wall_elasticity), flop(x.down.largest_feasible_flop),
                                 flop(x.up.largest_feasible_flop)});
    for (const search::SensitivityStep& x : row.steps)
      cells.insert(cells.end(), {elasticity(x.linear_scaling_elasticity),
                                 flop(x.down.linear_scaling_ends_flop), flop(x.up.linear_scaling_ends_flop)});
    cells.push_back(regime_flag(row));
    t.add(cells);
  }
  t.print(std::cout);
}

int run_sensitivity(const api::SensitivityArgs& a, bool as_json) {
  const api::SensitivityResult r = api::sensitivity(a);
  if (as_json)
    print_json(r);
  else
    print_table(r);
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
