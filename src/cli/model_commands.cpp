// eval, plan, frontier, verify and profiles: the cost model on the command line.
#include <CLI/CLI.hpp>
#include <algorithm>
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
#include "config/hardware_config.hpp"
#include "config/vectors.hpp"
#include "costmodel/evaluate.hpp"
#include "search/cluster.hpp"
#include "search/frontier.hpp"

namespace llmsweep::cli {
namespace {

using costmodel::Kind;
using nlohmann::json;

void print_json(const json& j) {
  std::cout << j.dump(2) << "\n";
}

// ---- eval ----------------------------------------------------------------------------
int run_eval(const api::EvalArgs& a, bool as_json) {
  const api::EvalResult r = api::evaluate(a);
  if (as_json) {
    print_json({{"hardware", r.hardware},
                {"cost_model", r.cost_model},
                {"model", model_json(r.model)},
                {"plan", plan_json(r.plan)},
                {"evaluation", evaluation_json(r.evaluation)}});
  } else {
    std::cout << "llmsweep eval on " << r.hardware << " (" << r.cost_model << " model)\n\n";
    print_model(std::cout, r.model);
    print_plan(std::cout, r.plan);
    print_evaluation(std::cout, r.evaluation);
  }
  return kExitOk;
}

// ---- plan ----------------------------------------------------------------------------
int run_plan(const api::PlanArgs& a, bool as_json) {
  const api::PlanResult r = api::best_plan(a);
  if (!r.result.found()) {
    std::cerr << "llmsweep: no plan for this model on " << r.gpus << " GPUs of " << r.hardware << ": "
              << costmodel::status_description(r.result.status) << "\n";
    if (as_json)
      print_json({{"hardware", r.hardware},
                  {"model", model_json(r.model)},
                  {"gpus", r.gpus},
                  {"status", std::string(costmodel::status_name(r.result.status))}});
    return kExitFailed;
  }
  if (as_json) {
    print_json({{"hardware", r.hardware},
                {"cost_model", r.cost_model},
                {"model", model_json(r.model)},
                {"plan", plan_json(r.result.plan)},
                {"evaluation", evaluation_json(r.result.evaluation)}});
  } else {
    std::cout << "llmsweep plan: the best plan on " << r.gpus << " GPUs of " << r.hardware << " ("
              << r.cost_model << " model)\n\n";
    print_model(std::cout, r.model);
    print_plan(std::cout, r.result.plan);
    print_evaluation(std::cout, r.result.evaluation);
  }
  return kExitOk;
}

// ---- frontier ------------------------------------------------------------------------
json frontier_json(const api::FrontierResult& r) {
  json rows = json::array();
  for (const search::FrontierRow& row : r.frontier.rows) {
    json j = json::object();
    api::visit_frontier_row(row, JsonFields{j});
    rows.push_back(std::move(j));
  }
  json j = json::object();
  api::visit_frontier_scenario(r, JsonFields{j});
  j["rows"] = std::move(rows);
  api::visit_thresholds(r.frontier.thresholds, JsonFields{j});
  return j;
}

void print_frontier(const api::FrontierResult& r) {
  const api::FrontierArgs& a = r.args;
  const search::Frontier& f = r.frontier;
  std::cout << "Frontier: " << r.hardware << ", " << a.experts << ", " << a.batch << " batch, "
            << (a.no_zero_bubble ? "no zero-bubble" : "zero-bubble allowed") << ", " << a.months
            << "-month runs, " << a.cost_model.model << " model\n\n";
  Table t({"d_model", "layers", "experts",   "batch",     "compute FLOP", "GPUs",     "util",
           "years",   "DP",     "TPm",       "TPf",       "PP",           "EP",       "m",
           "v",       "zb",     "TP comm s", "DP comm s", "PP/EP comm s", "latency s"});
  for (const search::FrontierRow& row : f.rows) {
    const costmodel::Plan& p = row.result.plan;
    const costmodel::Evaluation& ev = row.result.evaluation;
    t.add({std::to_string(row.model.d_model),
           std::to_string(row.model.layers),
           std::to_string(row.model.experts),
           std::to_string(row.model.batch_seqs),
           sci(row.compute_flop),
           count(row.result.gpus),
           fixed(ev.utilization, 4),
           fixed(ev.run_s / search::kSecondsPerYear, 3),
           std::to_string(p.total(Kind::dp)),
           std::to_string(p.total(Kind::tp_model)),
           std::to_string(p.total(Kind::tp_ff)),
           std::to_string(p.total(Kind::pp)),
           std::to_string(p.total(Kind::ep)),
           std::to_string(p.microbatches),
           std::to_string(p.interleave),
           p.zero_bubble ? "y" : "n",
           sci(ev.run_tp_comm_s, 3),
           sci(ev.run_dp_comm_s, 3),
           sci(ev.run_pp_ep_comm_s, 3),
           sci(ev.run_latency_s, 3)});
  }
  t.print(std::cout);
  const auto& th = f.thresholds;
  std::cout << "\n";
  print_block(
      std::cout, "Thresholds",
      {{"linear scaling ends", th.linear_scaling_ends_flop
                                   ? sci(*th.linear_scaling_ends_flop) + " FLOP (utilization <= 0.8 x cap)"
                                   : "not reached"},
       {"largest feasible run",
        th.largest_feasible_flop ? sci(*th.largest_feasible_flop) + " FLOP (the latency wall)" : "none"},
       {"first infeasible d_model", th.first_infeasible_d_model
                                        ? std::to_string(*th.first_infeasible_d_model)
                                        : "none (widths exhausted or utilization < 0.001)"}});
}

int run_frontier(const api::FrontierArgs& a, bool as_json) {
  const api::FrontierResult r = api::frontier(a);
  if (as_json)
    print_json(frontier_json(r));
  else
    print_frontier(r);
  return kExitOk;
}

}  // namespace

void add_eval_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<api::EvalArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub =
      app.add_subcommand("eval", "Evaluate one training run on one plan, with its whole breakdown");
  add_options(sub, *args);
  sub->add_flag("--json", *as_json, "Print JSON instead of tables");
  sub->callback([args, as_json, &action] { action = [args, as_json] { return run_eval(*args, *as_json); }; });
}

void add_plan_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<api::PlanArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("plan", "Find the best plan for a model on N GPUs (MODEL.md section 6)");
  add_options(sub, *args);
  sub->add_flag("--json", *as_json, "Print JSON instead of tables");
  sub->callback([args, as_json, &action] { action = [args, as_json] { return run_plan(*args, *as_json); }; });
}

void add_frontier_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<api::FrontierArgs>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand(
      "frontier",
      "For each of the paper's widths, the smallest cluster that trains it in time (MODEL.md section 9)");
  add_options(sub, *args);
  sub->add_flag("--json", *as_json, "Print JSON: rows and the two thresholds");
  sub->callback(
      [args, as_json, &action] { action = [args, as_json] { return run_frontier(*args, *as_json); }; });
}

void add_verify_command(CLI::App& app, Action& action) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("verify", "Check the model against a file of golden vectors");
  sub->add_option("FILE", *file, "Vectors in the golden format (see tests/data/reference-vectors.json)")
      ->required();
  sub->callback([file, &action] {
    action = [file] {
      const config::VectorReport r = config::verify_vectors_file(*file);
      for (const std::string& m : r.mismatches) std::cout << "MISMATCH " << m << "\n";
      std::cout << r.passed << " passed, " << r.failed << " failed\n";
      return r.failed == 0 ? kExitOk : kExitFailed;
    };
  });
}

void add_profiles_command(CLI::App& app, Action& action) {
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("profiles", "List the hardware profiles");
  sub->add_flag("--json", *as_json, "Print JSON");
  sub->callback([as_json, &action] {
    action = [as_json] {
      const std::vector<config::Profile> all = config::list_profiles();
      if (*as_json) {
        json j = json::array();
        for (const auto& p : all) {
          json one = json::object();
          api::visit_profile(p, JsonFields{one});
          j.push_back(std::move(one));
        }
        print_json(j);
        return kExitOk;
      }
      Table t({"stem", "name", "vendor", "year", "model", "peak TFLOP/s", "HBM TB/s", "levels", "link GB/s"},
              {false, false, false, true, false, true, true, true, true});
      for (const auto& p : all) {
        const costmodel::Machine mc = costmodel::make_machine(p.hardware);
        std::string lv = "(";
        for (std::size_t i = 0; i < p.hardware.level_sizes.size(); ++i)
          lv += (i ? ", " : "") + std::to_string(p.hardware.level_sizes[i]);
        std::string bw;
        for (std::size_t i = 0; i < p.hardware.link_bandwidth_Bps.size(); ++i)
          bw += (i ? ", " : "") + sci(p.hardware.link_bandwidth_Bps[i] / 1e9, 3);
        const std::string year = p.year == 0 ? "-" : std::to_string(p.year) + (p.preliminary ? "*" : "");
        t.add({p.stem, p.hardware.name, p.vendor.empty() ? "-" : p.vendor, year,
               api::model_support(p.hardware), fixed(mc.peak_flops / 1e12, 1),
               fixed(p.hardware.hbm_bandwidth_Bps / 1e12, 2), lv + ")", bw});
      }
      t.print(std::cout);
      std::cout
          << "\n* preliminary: an unreleased system, numbers from announcements. model: 'extended needed' "
             "profiles run only with --model extended (docs/MODEL-EXTENDED.md).\n";
      return kExitOk;
    };
  });
}

}  // namespace llmsweep::cli
