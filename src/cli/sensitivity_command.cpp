// llmsweep sensitivity: which single hardware improvement buys the most compute? The elasticity
// of each frontier threshold to each hardware number, ranked.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/frontier_options.hpp"
#include "cli/run.hpp"
#include "cli/run_options.hpp"
#include "common/error.hpp"
#include "io/sensitivity_file.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::cli {
namespace {

struct SensitivityArgs {
  FrontierArgs frontier;
  double factor = 2;
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

int run_sensitivity(const SensitivityArgs& a) {
  const search::FrontierSpec spec = frontier_spec(a.frontier);
  if (!(a.factor > 1) || !std::isfinite(a.factor))
    throw UsageError("--factor must be > 1, got " + std::to_string(a.factor));
  const config::Profile profile = config::resolve_profile(a.frontier.hardware);
  refuse_run_terms(profile.hardware, spec.search.model.model_kind, "sensitivity");
  const search::Sensitivity s = search::sensitivity(profile.hardware, spec, a.factor);
  if (!a.output.empty()) {
    io::SensitivityMeta meta{
        profile.stem,     profile.hardware.name,      profile.text,          a.frontier.experts,
        a.frontier.batch, a.frontier.cluster_sizes,   a.frontier.zb_latency, a.frontier.search,
        spec.widths,      !a.frontier.no_zero_bubble, a.frontier.months};
    meta.model = a.frontier.model_kind;
    io::write_sensitivity_file(a.output, meta, s, a.overwrite);
  }
  if (a.frontier.json) {
    nlohmann::json rows = nlohmann::json::array();
    int rank = 0;
    for (const search::SensitivityRow& r : s.rows)
      rows.push_back({{"rank", ++rank},
                      {"number", search::hardware_number_name(r.number)},
                      {"units", search::hardware_number_units(r.number)},
                      {"baseline_value", r.baseline_value},
                      {"wall_elasticity", opt(r.wall_elasticity)},
                      {"linear_scaling_elasticity", opt(r.linear_scaling_elasticity)},
                      {"down", thresholds_json(r.down)},
                      {"up", thresholds_json(r.up)}});
    std::cout << nlohmann::json{{"hardware", profile.hardware.name},
                                {"cost_model", a.frontier.model_kind},
                                {"experts", a.frontier.experts},
                                {"batch", a.frontier.batch},
                                {"factor", a.factor},
                                {"wall_reached", s.baseline.coarse.first_infeasible_d_model.has_value()},
                                {"baseline", thresholds_json(s.baseline)},
                                {"rows", rows}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "Sensitivity of " << profile.hardware.name << " (" << a.frontier.experts << ", "
            << a.frontier.batch << " batch, " << a.frontier.model_kind
            << " model): each number divided and multiplied by " << a.factor << "\n"
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
  for (const search::SensitivityRow& r : s.rows)
    t.add({std::to_string(++rank), search::hardware_number_name(r.number),
           sci(r.baseline_value, 3) + " " + search::hardware_number_units(r.number),
           elasticity(r.wall_elasticity), flop(r.down.largest_feasible_flop),
           flop(r.up.largest_feasible_flop), elasticity(r.linear_scaling_elasticity),
           flop(r.down.linear_scaling_ends_flop), flop(r.up.linear_scaling_ends_flop)});
  t.print(std::cout);
  return kExitOk;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<SensitivityArgs>();
  CLI::App* sub = app.add_subcommand(
      "sensitivity", "Elasticity of the frontier thresholds to each hardware number: what moves the wall?");
  add_frontier_options(sub, a->frontier);
  sub->add_option("--factor", a->factor, "Each number is divided and multiplied by this")
      ->capture_default_str();
  sub->add_option("-o,--output", a->output,
                  "Also write the results to this HDF5 file (for the analysis report)");
  sub->add_flag("--overwrite", a->overwrite, "Replace an existing --output file");
  sub->add_flag("--json", a->frontier.json, "Print JSON");
  sub->callback([a, &action] { action = [a] { return run_sensitivity(*a); }; });
}

}  // namespace llmsweep::cli
