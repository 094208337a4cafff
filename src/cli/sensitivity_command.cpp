// llmsweep sensitivity: which single hardware improvement buys the most compute? The elasticity
// of each frontier threshold to each hardware number, ranked.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/frontier_options.hpp"
#include "cli/run.hpp"
#include "common/error.hpp"
#include "io/sensitivity_file.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::cli {
namespace {

struct SensitivityArgs {
  FrontierArgs frontier;
  std::vector<double> steps = search::kDefaultSensitivitySteps;
  double factor = 0;  // --factor F: the same as --step F (one step)
  std::string output;
  bool overwrite = false;
};

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json thresholds_json(const search::RefinedThresholds& t) {
  return {{"linear_scaling_ends_flop", opt(t.linear_scaling_ends_flop)},
          {"largest_feasible_flop", opt(t.largest_feasible_flop)},
          {"coarse_linear_scaling_ends_flop", opt(t.coarse.linear_scaling_ends_flop)},
          {"coarse_largest_feasible_flop", opt(t.coarse.largest_feasible_flop)}};
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

std::vector<double> checked_steps(const SensitivityArgs& a, bool factor_given, bool step_given) {
  if (factor_given && step_given) throw UsageError("give --step or --factor, not both");
  const std::vector<double> steps = factor_given ? std::vector<double>{a.factor} : a.steps;
  if (steps.empty()) throw UsageError("--step needs at least one factor");
  for (double f : steps)
    if (!(f > 1) || !std::isfinite(f))
      throw UsageError(std::string(factor_given ? "--factor" : "--step") + " must be > 1, got " +
                       step_name(f));
  return steps;
}

nlohmann::json step_json(const search::SensitivityStep& t) {
  return {{"factor", t.factor},
          {"applies", t.applies},
          {"wall_elasticity", opt(t.wall_elasticity)},
          {"wall_down_elasticity", opt(t.wall_down_elasticity)},
          {"wall_up_elasticity", opt(t.wall_up_elasticity)},
          {"wall_regime_change", t.wall_regime_change},
          {"linear_scaling_elasticity", opt(t.linear_scaling_elasticity)},
          {"linear_scaling_down_elasticity", opt(t.linear_scaling_down_elasticity)},
          {"linear_scaling_up_elasticity", opt(t.linear_scaling_up_elasticity)},
          {"linear_scaling_regime_change", t.linear_scaling_regime_change},
          {"down", thresholds_json(t.down)},
          {"up", thresholds_json(t.up)}};
}

void print_json(const config::Profile& profile, const SensitivityArgs& a, const search::Sensitivity& s) {
  nlohmann::json rows = nlohmann::json::array();
  int rank = 0;
  for (const search::SensitivityRow& r : s.rows) {
    nlohmann::json steps = nlohmann::json::array();
    for (const search::SensitivityStep& t : r.steps) steps.push_back(step_json(t));
    rows.push_back({{"rank", ++rank},
                    {"number", search::hardware_number_name(r.number)},
                    {"units", search::hardware_number_units(r.number)},
                    {"baseline_value", r.baseline_value},
                    {"wall_elasticity", opt(r.primary().wall_elasticity)},
                    {"linear_scaling_elasticity", opt(r.primary().linear_scaling_elasticity)},
                    {"regime_change", r.regime_change()},
                    {"down", thresholds_json(r.primary().down)},
                    {"up", thresholds_json(r.primary().up)},
                    {"steps", steps}});
  }
  std::cout << nlohmann::json{{"hardware", profile.hardware.name},
                              {"cost_model", a.frontier.model_kind},
                              {"experts", a.frontier.experts},
                              {"batch", a.frontier.batch},
                              {"steps", s.factors},
                              {"factor", s.factors.back()},
                              {"wall_reached", s.baseline.coarse.first_infeasible_d_model.has_value()},
                              {"baseline", thresholds_json(s.baseline)},
                              {"rows", rows}}
                   .dump(2)
            << "\n";
}

std::string regime_flag(const search::SensitivityRow& r) {
  bool wall = false, linear = false;
  for (const search::SensitivityStep& t : r.steps) {
    wall = wall || t.wall_regime_change;
    linear = linear || t.linear_scaling_regime_change;
  }
  return wall && linear ? "REGIME: wall, linear" : wall ? "REGIME: wall" : linear ? "REGIME: linear" : "";
}

void print_table(const config::Profile& profile, const SensitivityArgs& a, const search::Sensitivity& s) {
  std::string steps;
  for (double f : s.factors) steps += (steps.empty() ? "" : " and ") + step_name(f);
  std::cout
      << "Sensitivity of " << profile.hardware.name << " (" << a.frontier.experts << ", " << a.frontier.batch
      << " batch, " << a.frontier.model_kind << " model): each number divided and multiplied by " << steps
      << "\n"
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
  for (const search::SensitivityRow& r : s.rows) {
    std::vector<std::string> cells{std::to_string(++rank), search::hardware_number_name(r.number),
                                   sci(r.baseline_value, 3) + " " + search::hardware_number_units(r.number)};
    for (const search::SensitivityStep& x : r.steps)
      cells.insert(cells.end(), {elasticity(x.wall_elasticity), flop(x.down.largest_feasible_flop),
                                 flop(x.up.largest_feasible_flop)});
    for (const search::SensitivityStep& x : r.steps)
      cells.insert(cells.end(), {elasticity(x.linear_scaling_elasticity),
                                 flop(x.down.linear_scaling_ends_flop), flop(x.up.linear_scaling_ends_flop)});
    cells.push_back(regime_flag(r));
    t.add(cells);
  }
  t.print(std::cout);
}

int run_sensitivity(const CLI::App* sub, const SensitivityArgs& a) {
  const std::vector<double> steps = checked_steps(a, sub->count("--factor") > 0, sub->count("--step") > 0);
  const search::FrontierSpec spec = frontier_spec(a.frontier);
  const config::Profile profile = config::resolve_profile(a.frontier.hardware);
  require_model_for(profile, a.frontier.model_kind);
  const search::Sensitivity s = search::sensitivity(profile.hardware, spec, steps);
  if (!a.output.empty()) {
    io::SensitivityMeta meta{
        profile.stem,          profile.hardware.name,
        profile.text,          a.frontier.experts,
        a.frontier.batch,      search::cluster_sizes_name(search::cluster_sizes_of(spec)),
        a.frontier.zb_latency, a.frontier.search,
        spec.widths,           !a.frontier.no_zero_bubble,
        a.frontier.months};
    meta.model = a.frontier.model_kind;
    io::write_sensitivity_file(a.output, meta, s, a.overwrite);
  }
  if (a.frontier.json)
    print_json(profile, a, s);
  else
    print_table(profile, a, s);
  return kExitOk;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<SensitivityArgs>();
  CLI::App* sub = app.add_subcommand(
      "sensitivity", "Elasticity of the frontier thresholds to each hardware number: what moves the wall?");
  add_frontier_options(sub, a->frontier);
  sub->add_option(
         "--step", a->steps,
         "Factors each number is divided and multiplied by, comma-separated (default 1.25,2: the local "
         "elasticity and the paper-era factor, side by side)")
      ->delimiter(',');
  sub->add_option("--factor", a->factor, "One step only: the same as --step FACTOR");
  sub->add_option("-o,--output", a->output,
                  "Also write the results to this HDF5 file (for the analysis report)");
  sub->add_flag("--overwrite", a->overwrite, "Replace an existing --output file");
  sub->add_flag("--json", a->frontier.json, "Print JSON");
  sub->callback([sub, a, &action] { action = [sub, a] { return run_sensitivity(sub, *a); }; });
}

}  // namespace llmsweep::cli
