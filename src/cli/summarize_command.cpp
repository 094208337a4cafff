// llmsweep summarize: the frontier thresholds of each scenario, read back from a results file;
// for files of kept rows, what was kept and the status of every point computed.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/run.hpp"
#include "costmodel/status.hpp"
#include "io/results_file.hpp"
#include "io/summary.hpp"

namespace llmsweep::cli {
namespace {

nlohmann::json optional_json(const auto& o) {
  return o ? nlohmann::json(*o) : nlohmann::json(nullptr);
}

nlohmann::json kept_json(const io::StoredInfo& info) {
  nlohmann::json counts = nlohmann::json::object();
  for (int s = 0; s < costmodel::kStatusCount; ++s)
    counts[std::string(costmodel::status_name(static_cast<costmodel::Status>(s)))] =
        info.progress.status_counts[static_cast<std::size_t>(s)];
  nlohmann::json j = {
      {"keep", grid::keep_name(info.keep.keep)}, {"rows", info.rows}, {"status_counts", counts}};
  if (info.keep.keep == grid::Keep::best) {
    j["by"] = info.keep.by;
    j["count"] = info.keep.count;
    j["groups"] = info.progress.groups;
    j["groups_without_feasible"] = info.progress.groups_without_feasible;
  }
  return j;
}

void print_kept(const io::StoredInfo& info) {
  std::cout << "kept: " << grid::describe(info.keep) << ": " << info.rows << " rows";
  if (info.keep.keep == grid::Keep::best)
    std::cout << " of " << info.progress.groups << " groups (" << info.progress.groups_without_feasible
              << " without a feasible point)";
  std::cout << "\npoints computed by status:";
  for (int s = 0; s < costmodel::kStatusCount; ++s)
    std::cout << " " << costmodel::status_name(static_cast<costmodel::Status>(s)) << " "
              << info.progress.status_counts[static_cast<std::size_t>(s)];
  std::cout << "\n\n";
}

int run_summarize(const std::string& path, bool as_json) {
  io::ResultsReader reader(path);
  const io::StoredInfo& info = reader.info();
  const std::vector<grid::Row> rows = reader.rows();
  // Kept rows of the best plans are not frontiers; a file of feasible rows walks like a full one.
  const std::vector<io::Scenario> all =
      info.keep.keep == grid::Keep::all ? io::scenarios(rows, info.hardware_stems, info.utilization_caps)
      : info.keep.keep == grid::Keep::feasible ? io::feasible_scenarios(rows, info)
                                               : std::vector<io::Scenario>{};
  if (as_json) {
    nlohmann::json j = {{"file", path},
                        {"points", info.points},
                        {"complete", info.complete},
                        {"scenarios", nlohmann::json::array()}};
    if (info.keep.keep != grid::Keep::all) j["kept"] = kept_json(info);
    const std::vector<grid::Column> frontier_columns =
        grid::columns_named(reader.columns(), {"d_model", "compute_flop", "gpus", "utilization", "years"});
    for (const io::Scenario& s : all) {
      nlohmann::json frontier = nlohmann::json::array();
      for (const grid::Row& r : s.rows) frontier.push_back(row_json(r, frontier_columns));
      j["scenarios"].push_back(
          {{"scenario", s.label},
           {"points", s.points},
           {"pending", s.pending},
           {"rows", frontier},
           {"linear_scaling_ends_flop", optional_json(s.thresholds.linear_scaling_ends_flop)},
           {"largest_feasible_flop", optional_json(s.thresholds.largest_feasible_flop)},
           {"first_infeasible_d_model", optional_json(s.thresholds.first_infeasible_d_model)}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << path << ": " << info.points << " points, " << (info.complete ? "complete" : "INCOMPLETE")
            << ", written by llmsweep " << info.llmsweep_version << " (" << info.git_hash << ") on "
            << info.created << "\n\n";
  if (info.keep.keep != grid::Keep::all) print_kept(info);
  if (all.empty()) return kExitOk;
  Table t({"scenario", "points", "frontier rows", "linear scaling ends", "largest feasible",
           "first infeasible d"},
          {false, true, true, true, true, true});
  for (const io::Scenario& s : all) {
    const auto& th = s.thresholds;
    t.add({s.label,
           std::to_string(s.points) + (s.pending ? " (" + std::to_string(s.pending) + " pending)" : ""),
           std::to_string(s.rows.size()),
           th.linear_scaling_ends_flop ? sci(*th.linear_scaling_ends_flop) : "-",
           th.largest_feasible_flop ? sci(*th.largest_feasible_flop) : "-",
           th.first_infeasible_d_model ? std::to_string(*th.first_infeasible_d_model) : "-"});
  }
  t.print(std::cout);
  return kExitOk;
}

}  // namespace

void add_summarize_command(CLI::App& app, Action& action) {
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("summarize", "Frontier thresholds of each scenario in a results file");
  sub->add_option("FILE", *path, "Results file written by llmsweep sweep")->required();
  sub->add_flag("--json", *as_json, "Print JSON");
  sub->callback(
      [path, as_json, &action] { action = [path, as_json] { return run_summarize(*path, *as_json); }; });
}

}  // namespace llmsweep::cli
