// eval, plan, frontier, verify and profiles: the cost model on the command line.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/frontier_options.hpp"
#include "cli/run.hpp"
#include "cli/run_options.hpp"
#include "common/error.hpp"
#include "config/hardware_config.hpp"
#include "config/vectors.hpp"
#include "costmodel/evaluate.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/frontier.hpp"
#include "search/policy.hpp"

namespace llmsweep::cli {
namespace {

using costmodel::Kind;
using nlohmann::json;

// Options that pick the hardware and describe one model; unset sizes follow the paper's laws.
struct ModelArgs {
  std::string hardware;
  std::int64_t d_model = 0;
  std::int64_t d_ff = 0;
  std::int64_t layers = 0;
  std::int64_t experts = 1;
  std::int64_t batch_seqs = 0;
  std::int64_t seq_len = 2048;
  std::string batch = "default";
  std::string zb_latency = "hidden";
  std::string model_kind = "reference";
  bool json = false;
  RunArgs run;  // extended model's run-level terms (cli/run_options.hpp)
};

// The overlap flags of a plan (the paper: TP and PP overlapped with compute, DP not).
struct Overlaps {
  int tp = 1;
  int dp = 0;
  int pp = 1;
};

void add_overlap_options(CLI::App* sub, Overlaps& o) {
  sub->add_option("--overlap-tp", o.tp, "Overlap TP comm with compute (0/1)")->capture_default_str();
  sub->add_option("--overlap-dp", o.dp, "Overlap DP comm with compute (0/1)")->capture_default_str();
  sub->add_option("--overlap-pp", o.pp, "Overlap PP/EP comm with compute (0/1)")->capture_default_str();
}

void check_overlaps(const Overlaps& o) {
  for (auto [name, v] : {std::pair{"--overlap-tp", o.tp}, {"--overlap-dp", o.dp}, {"--overlap-pp", o.pp}})
    if (v != 0 && v != 1) throw UsageError(std::string(name) + " must be 0 or 1, got " + std::to_string(v));
}

void add_model_options(CLI::App* sub, ModelArgs& a) {
  sub->add_option("--hardware", a.hardware,
                  "Profile: file stem (h100-sxm), display name (\"H100 SXM\") or path")
      ->required();
  sub->add_option("--d-model", a.d_model, "Model width d")->required();
  sub->add_option("--d-ff", a.d_ff, "MLP width f (default 4 x d_model)");
  sub->add_option("--layers", a.layers, "Layers L (default: the paper's depth law)");
  sub->add_option("--experts", a.experts, "Experts E (1 = dense)")->capture_default_str();
  sub->add_option("--batch-seqs", a.batch_seqs, "Batch in sequences (default: from --batch)");
  sub->add_option("--seq-len", a.seq_len, "Tokens per sequence")->capture_default_str();
  sub->add_option("--batch", a.batch,
                  "Batch law when --batch-seqs is not given: default, deepseek, none or step-law")
      ->capture_default_str();
  sub->add_option("--zb-latency", a.zb_latency,
                  "Zero-bubble pipeline latency: hidden (reference, quirk Q1) or max (corrected)")
      ->capture_default_str();
  add_model_kind_option(sub, a.model_kind);
  sub->add_flag("--json", a.json, "Print JSON instead of tables");
  add_run_options(sub, a.run);
}

void require_positive(const char* option, std::int64_t v) {
  if (v <= 0) throw UsageError(std::string(option) + " must be a positive integer, got " + std::to_string(v));
}

costmodel::Options model_options(const ModelArgs& a) {
  costmodel::Options o;
  const auto kind = costmodel::model_kind_from_name(a.model_kind);
  if (!kind) throw UsageError("--model must be reference or extended, got '" + a.model_kind + "'");
  o.model_kind = *kind;
  if (a.zb_latency == "hidden")
    o.zb_latency = costmodel::ZbLatency::hidden;
  else if (a.zb_latency == "max")
    o.zb_latency = costmodel::ZbLatency::max;
  else
    throw UsageError("--zb-latency must be hidden or max, got '" + a.zb_latency + "'");
  return o;
}

search::BatchLaw batch_law(const std::string& name, const char* option) {
  auto p = search::batch_policy_from_name(name);
  if (!p || *p == search::BatchPolicy::power)
    throw UsageError(std::string(option) + " must be default, deepseek, none or step-law, got '" + name +
                     "'");
  search::BatchLaw law;
  law.policy = *p;
  return law;
}

costmodel::Model build_model(const CLI::App* sub, const ModelArgs& a) {
  costmodel::Model m;
  require_positive("--d-model", a.d_model);
  m.d_model = a.d_model;
  if (sub->count("--d-ff")) require_positive("--d-ff", a.d_ff);
  m.d_ff = sub->count("--d-ff") ? a.d_ff : 4 * a.d_model;
  if (sub->count("--layers")) require_positive("--layers", a.layers);
  m.layers = sub->count("--layers") ? a.layers : search::depth_for(m.d_model, m.d_ff);
  require_positive("--experts", a.experts);
  m.experts = a.experts;
  require_positive("--seq-len", a.seq_len);
  m.seq_len = a.seq_len;
  const search::BatchLaw law = batch_law(a.batch, "--batch");
  if (sub->count("--batch-seqs")) {
    require_positive("--batch-seqs", a.batch_seqs);
    m.batch_seqs = a.batch_seqs;
  } else {
    m.batch_seqs = search::batch_for(m.compute_flop(), m.experts, m.seq_len, law);
  }
  if (std::string why = costmodel::validate_model(m); !why.empty()) throw UsageError(why);
  return m;
}

void print_json(const json& j) {
  std::cout << j.dump(2) << "\n";
}

// A run under the extended model's run-level terms, as JSON or tables (eval and plan).
int print_run_result(const costmodel::Hardware& hw, const ModelArgs& a, const costmodel::Model& model,
                     const search::RunResult& r, const search::RunTerms& terms, const char* command) {
  if (a.json) {
    print_json({{"hardware", hw.name},
                {"cost_model", a.model_kind},
                {"model", model_json(model)},
                {"plan", plan_json(r.main().plan)},
                {"evaluation", evaluation_json(r.main().evaluation)},
                {"run", run_json(r)}});
    return kExitOk;
  }
  std::cout << "llmsweep " << command << " on " << count(r.gpus) << " GPUs of " << hw.name << " ("
            << a.model_kind << " model)\n\n";
  print_model(std::cout, model);
  print_plan(std::cout, r.main().plan);
  print_evaluation(std::cout, r.main().evaluation);
  std::cout << "\n";
  print_run(std::cout, r, terms);
  return kExitOk;
}

// ---- eval ----------------------------------------------------------------------------
struct EvalArgs {
  ModelArgs model;
  std::vector<std::int64_t> degrees[costmodel::kKinds];
  std::int64_t microbatches = 1;
  std::int64_t interleave = 1;
  std::int64_t gpus = 0;
  bool zero_bubble = false;
  Overlaps overlaps;
};

int run_eval(const CLI::App* sub, const EvalArgs& a) {
  const costmodel::Model model = build_model(sub, a.model);
  const config::Profile profile = config::resolve_profile(a.model.hardware);
  const costmodel::Machine mc = costmodel::make_machine(profile.hardware);
  const costmodel::Options options = model_options(a.model);
  const search::RunTerms terms = run_terms(a.model.run, mc.hw, options.model_kind);
  costmodel::Plan plan;
  plan.levels = mc.hw.levels() + (terms.sites.active() ? 1 : 0);
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto kind = static_cast<Kind>(k);
    const std::vector<std::int64_t>& given = a.degrees[k];
    if (given.empty()) continue;
    if (static_cast<int>(given.size()) != plan.levels)
      throw UsageError("--" + std::string(kind_name(kind)) + " has " + std::to_string(given.size()) +
                       " degrees but " + mc.hw.name + " has " + std::to_string(plan.levels) +
                       " network levels" + (terms.sites.active() ? " with the site level" : "") +
                       ": give one per level, inside a node first");
    for (int l = 0; l < plan.levels; ++l) {
      if (given[static_cast<std::size_t>(l)] <= 0)
        throw UsageError("--" + std::string(kind_name(kind)) + " degrees must be positive, got " +
                         std::to_string(given[static_cast<std::size_t>(l)]));
      plan.at(kind, l) = given[static_cast<std::size_t>(l)];
    }
  }
  require_positive("--microbatches", a.microbatches);
  require_positive("--interleave", a.interleave);
  plan.microbatches = a.microbatches;
  plan.interleave = a.interleave;
  plan.zero_bubble = a.zero_bubble;
  check_overlaps(a.overlaps);
  plan.overlap_tp = a.overlaps.tp == 1;
  plan.overlap_dp = a.overlaps.dp == 1;
  plan.overlap_pp = a.overlaps.pp == 1;
  if (std::string why = terms.active() ? search::check_run_plan(mc.hw, model, plan, terms)
                                       : costmodel::check_plan(mc.hw, model, plan);
      !why.empty())
    throw UsageError("impossible plan: " + why);
  if (sub->count("--gpus")) {
    require_positive("--gpus", a.gpus);
    if (plan.gpus() != static_cast<double>(a.gpus))
      throw UsageError("the degrees multiply to " + count(plan.gpus()) + " GPUs, not --gpus " +
                       std::to_string(a.gpus));
  }
  if (terms.active())
    return print_run_result(mc.hw, a.model, model, search::evaluate_run(mc, model, plan, options, terms),
                            terms, "eval");
  const costmodel::Evaluation ev = costmodel::evaluate(mc, model, plan, options);
  if (a.model.json) {
    print_json({{"hardware", mc.hw.name},
                {"cost_model", a.model.model_kind},
                {"model", model_json(model)},
                {"plan", plan_json(plan)},
                {"evaluation", evaluation_json(ev)}});
  } else {
    std::cout << "llmsweep eval on " << mc.hw.name << " (" << a.model.model_kind << " model)\n\n";
    print_model(std::cout, model);
    print_plan(std::cout, plan);
    print_evaluation(std::cout, ev);
  }
  return kExitOk;
}

// ---- plan ----------------------------------------------------------------------------
struct PlanArgs {
  ModelArgs model;
  std::int64_t gpus = 0;
  bool no_zero_bubble = false;
  Overlaps overlaps;
};

search::SearchOptions search_options(const ModelArgs& m, bool no_zero_bubble, const Overlaps& overlaps) {
  search::SearchOptions o;
  o.model = model_options(m);
  o.allow_zero_bubble = !no_zero_bubble;
  check_overlaps(overlaps);
  o.overlap_tp = overlaps.tp == 1;
  o.overlap_dp = overlaps.dp == 1;
  o.overlap_pp = overlaps.pp == 1;
  return o;
}

int run_plan(const CLI::App* sub, const PlanArgs& a) {
  const costmodel::Model model = build_model(sub, a.model);
  require_positive("--gpus", a.gpus);
  const config::Profile profile = config::resolve_profile(a.model.hardware);
  const costmodel::Machine mc = costmodel::make_machine(profile.hardware);
  if (!search::fits_levels(mc.hw.level_sizes, a.gpus)) {
    std::string sizes;
    std::int64_t below = 1;
    for (std::int64_t s : mc.hw.level_sizes)
      sizes += (sizes.empty() ? "" : ", ") + std::to_string(below *= s);
    throw UsageError("--gpus " + std::to_string(a.gpus) + " does not fill " + mc.hw.name +
                     "'s network levels: above each level's size (" + sizes +
                     ") it must be a multiple of it");
  }
  const search::SearchOptions options = search_options(a.model, a.no_zero_bubble, a.overlaps);
  const search::RunTerms terms = run_terms(a.model.run, mc.hw, options.model.model_kind);
  if (terms.active()) {
    search::RunSearch run(mc, model, options, terms);
    const search::RunResult r = run.best(a.gpus);
    if (r.found()) return print_run_result(mc.hw, a.model, model, r, terms, "plan");
    std::cerr << "llmsweep: no plan for this model on " << a.gpus << " GPUs of " << mc.hw.name << ": "
              << costmodel::status_description(r.status) << "\n";
    return kExitFailed;
  }
  const search::SearchResult r = search::best_plan(mc, model, a.gpus, options);
  if (!r.found()) {
    std::cerr << "llmsweep: no plan for this model on " << a.gpus << " GPUs of " << mc.hw.name << ": "
              << costmodel::status_description(r.status) << "\n";
    if (a.model.json)
      print_json({{"hardware", mc.hw.name},
                  {"model", model_json(model)},
                  {"gpus", a.gpus},
                  {"status", std::string(costmodel::status_name(r.status))}});
    return kExitFailed;
  }
  if (a.model.json) {
    print_json({{"hardware", mc.hw.name},
                {"cost_model", a.model.model_kind},
                {"model", model_json(model)},
                {"plan", plan_json(r.plan)},
                {"evaluation", evaluation_json(r.evaluation)}});
  } else {
    std::cout << "llmsweep plan: the best plan on " << a.gpus << " GPUs of " << mc.hw.name << " ("
              << a.model.model_kind << " model)\n\n";
    print_model(std::cout, model);
    print_plan(std::cout, r.plan);
    print_evaluation(std::cout, r.evaluation);
  }
  return kExitOk;
}

// ---- frontier ------------------------------------------------------------------------
json frontier_json(const costmodel::Hardware& hw, const FrontierArgs& a, const search::Frontier& f) {
  json rows = json::array();
  for (const search::FrontierRow& row : f.rows) {
    const costmodel::Plan& p = row.result.plan;
    const costmodel::Evaluation& ev = row.result.evaluation;
    json j = {{"d_model", row.model.d_model},
              {"d_ff", row.model.d_ff},
              {"layers", row.model.layers},
              {"experts", row.model.experts},
              {"batch_seqs", row.model.batch_seqs},
              {"compute_flop", row.compute_flop},
              {"gpus", row.result.gpus},
              {"utilization", ev.utilization},
              {"years", ev.run_s / search::kSecondsPerYear}};
    const json pj = plan_json(p);
    for (const char* k : {"dp", "tp_model", "tp_ff", "pp", "ep", "microbatches", "interleave", "dp_levels",
                          "tp_model_levels", "tp_ff_levels", "pp_levels", "ep_levels", "zero_bubble"})
      j[k] = pj[k];
    j["tp_comm_s"] = ev.run_tp_comm_s;
    j["dp_comm_s"] = ev.run_dp_comm_s;
    j["pp_ep_comm_s"] = ev.run_pp_ep_comm_s;
    j["latency_s"] = ev.run_latency_s;
    j["run_s"] = ev.run_s;
    j["matmul_s"] = ev.steps * ev.matmul_s;
    j["bubble_fraction"] = ev.bubble_fraction;
    if (row.run) j["run"] = run_json(*row.run);
    rows.push_back(std::move(j));
  }
  const auto opt = [](const auto& o) { return o ? json(*o) : json(nullptr); };
  return {{"hardware", hw.name},
          {"cost_model", a.model_kind},
          {"experts", a.experts},
          {"batch", a.batch},
          {"zero_bubble", !a.no_zero_bubble},
          {"run_months", a.months},
          {"zb_latency", a.zb_latency},
          {"cluster_sizes", a.cluster_sizes},
          {"search", a.search},
          {"rows", rows},
          {"linear_scaling_ends_flop", opt(f.thresholds.linear_scaling_ends_flop)},
          {"largest_feasible_flop", opt(f.thresholds.largest_feasible_flop)},
          {"first_infeasible_d_model", opt(f.thresholds.first_infeasible_d_model)}};
}

// Rows of a frontier with run-level terms: the wall time and its failure overhead.
void print_frontier_runs(const search::Frontier& f) {
  if (f.rows.empty() || !f.rows.front().run) return;
  std::cout << "\nWhole runs (extended model): wall time = compute + failure overhead\n";
  Table t({"d_model", "GPUs", "compute years", "failure overhead", "wall years", "wall util", "cluster MTBF",
           "ckpt every", "failures"});
  for (const search::FrontierRow& row : f.rows) {
    const search::RunResult& r = *row.run;
    t.add({std::to_string(row.model.d_model), count(r.gpus), fixed(r.compute_s / search::kSecondsPerYear, 3),
           r.compute_s > 0 ? fixed(100 * r.failures.overhead_s / r.compute_s, 2) + " %" : "-",
           fixed(r.wall_s / search::kSecondsPerYear, 3), fixed(r.wall_utilization, 4),
           duration(r.failures.cluster_mtbf_s), duration(r.failures.interval_s),
           sci(r.failures.failures, 3)});
  }
  t.print(std::cout);
}

void print_frontier(const costmodel::Hardware& hw, const FrontierArgs& a, const search::Frontier& f) {
  std::cout << "Frontier: " << hw.name << ", " << a.experts << ", " << a.batch << " batch, "
            << (a.no_zero_bubble ? "no zero-bubble" : "zero-bubble allowed") << ", " << a.months
            << "-month runs, " << a.model_kind << " model\n\n";
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
  print_frontier_runs(f);
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

int run_frontier(const FrontierArgs& a) {
  search::FrontierSpec spec = frontier_spec(a);
  const config::Profile profile = config::resolve_profile(a.hardware);
  const costmodel::Machine mc = costmodel::make_machine(profile.hardware);
  spec.run = run_terms(a.run, mc.hw, spec.search.model.model_kind);
  const search::Frontier f = search::frontier(mc, spec);
  if (a.json)
    print_json(frontier_json(mc.hw, a, f));
  else
    print_frontier(mc.hw, a, f);
  return kExitOk;
}

}  // namespace

search::FrontierSpec frontier_spec(const FrontierArgs& a) {
  search::FrontierSpec spec;
  auto experts = search::experts_policy_from_name(a.experts);
  if (!experts) throw UsageError("--experts must be dense or sparse, got '" + a.experts + "'");
  spec.policy.experts = *experts;
  spec.policy.batch = batch_law(a.batch, "--batch");
  if (!(a.months > 0)) throw UsageError("--months must be > 0, got " + std::to_string(a.months));
  spec.run_months = a.months;
  if (!a.widths.empty()) {
    for (std::int64_t w : a.widths) require_positive("--widths", w);
    spec.widths = a.widths;
    std::sort(spec.widths.begin(), spec.widths.end());
  }
  const auto sizes = search::cluster_sizes_from_name(a.cluster_sizes);
  if (!sizes)
    throw UsageError("--cluster-sizes must be powers-of-two, fill-levels or pow2-domains, got '" +
                     a.cluster_sizes + "'");
  spec.cluster_sizes = *sizes;
  ModelArgs m;
  m.zb_latency = a.zb_latency;
  m.model_kind = a.model_kind;
  spec.search = search_options(m, a.no_zero_bubble, Overlaps{});
  if (a.search == "exhaustive" || a.search == "corrected") spec.search.prune_flattened = false;
  if (a.search == "all-microbatches" || a.search == "corrected") spec.search.microbatch_candidates = 0;
  if (a.search != "reference" && a.search != "exhaustive" && a.search != "all-microbatches" &&
      a.search != "corrected")
    throw UsageError("--search must be reference, exhaustive, all-microbatches or corrected, got '" +
                     a.search + "'");
  return spec;
}

void add_model_kind_option(CLI::App* sub, std::string& model_kind) {
  sub->add_option("--model", model_kind,
                  "Cost model: reference (the original, docs/MODEL.md) or extended (docs/MODEL-EXTENDED.md)")
      ->capture_default_str();
}

void add_frontier_options(CLI::App* sub, FrontierArgs& a) {
  sub->add_option("--hardware", a.hardware, "Profile: file stem, display name or path")->required();
  sub->add_option("--experts", a.experts, "dense or sparse (width-scaled experts)")->capture_default_str();
  sub->add_option("--batch", a.batch, "Batch law: default, deepseek, none or step-law")
      ->capture_default_str();
  sub->add_flag("--no-zero-bubble", a.no_zero_bubble, "Do not consider zero-bubble schedules");
  sub->add_option("--months", a.months, "Run duration limit in months")->capture_default_str();
  sub->add_option("--zb-latency", a.zb_latency, "hidden (reference, quirk Q1) or max (corrected)")
      ->capture_default_str();
  add_model_kind_option(sub, a.model_kind);
  sub->add_option(
         "--cluster-sizes", a.cluster_sizes,
         "Cluster sizes: powers-of-two (E x 2^i, reference), fill-levels (rounded up to whole NVLink "
         "domains) or pow2-domains (a power of two of each domain's GPUs, e.g. 64 of 72)")
      ->capture_default_str();
  sub->add_option(
         "--search", a.search,
         "Plan search: reference, exhaustive (no flattened-profile pruning, quirk Q2), all-microbatches "
         "(quirk Q3) or corrected (both)")
      ->capture_default_str();
  sub->add_option("--widths", a.widths, "Widths to walk instead of the paper's set (comma-separated)")
      ->delimiter(',');
}

void add_eval_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* sub =
      app.add_subcommand("eval", "Evaluate one training run on one plan, with its whole breakdown");
  add_model_options(sub, args->model);
  const char* names[] = {"--dp", "--tp-model", "--tp-ff", "--pp", "--ep"};
  for (int k = 0; k < costmodel::kKinds; ++k)
    sub->add_option(names[k], args->degrees[k],
                    "Degrees per network level, inside a node first (e.g. 1,8); default all 1")
        ->delimiter(',');
  sub->add_option("--microbatches", args->microbatches, "Microbatches m")->capture_default_str();
  sub->add_option("--interleave", args->interleave, "Interleaved pipeline stages per GPU v")
      ->capture_default_str();
  sub->add_option("--gpus", args->gpus, "Check that the degrees multiply to this cluster size");
  sub->add_flag("--zero-bubble", args->zero_bubble, "Zero-bubble pipeline schedule");
  add_overlap_options(sub, args->overlaps);
  sub->callback([sub, args, &action] { action = [sub, args] { return run_eval(sub, *args); }; });
}

void add_plan_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* sub = app.add_subcommand("plan", "Find the best plan for a model on N GPUs (MODEL.md section 6)");
  add_model_options(sub, args->model);
  sub->add_option("--gpus", args->gpus, "Cluster size N")->required();
  sub->add_flag("--no-zero-bubble", args->no_zero_bubble, "Do not consider zero-bubble schedules");
  add_overlap_options(sub, args->overlaps);
  sub->callback([sub, args, &action] { action = [sub, args] { return run_plan(sub, *args); }; });
}

void add_frontier_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<FrontierArgs>();
  CLI::App* sub = app.add_subcommand(
      "frontier",
      "For each of the paper's widths, the smallest cluster that trains it in time (MODEL.md section 9)");
  add_frontier_options(sub, *args);
  sub->add_flag("--json", args->json, "Print JSON: rows and the two thresholds");
  add_run_options(sub, args->run);
  sub->callback([args, &action] { action = [args] { return run_frontier(*args); }; });
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
        for (const auto& p : all)
          j.push_back({{"stem", p.stem}, {"name", p.hardware.name}, {"path", p.path}});
        print_json(j);
        return kExitOk;
      }
      Table t({"stem", "name", "peak TFLOP/s", "HBM TB/s", "levels", "link GB/s"},
              {false, false, true, true, true, true});
      for (const auto& p : all) {
        const costmodel::Machine mc = costmodel::make_machine(p.hardware);
        std::string lv = "(";
        for (std::size_t i = 0; i < p.hardware.level_sizes.size(); ++i)
          lv += (i ? ", " : "") + std::to_string(p.hardware.level_sizes[i]);
        std::string bw;
        for (std::size_t i = 0; i < p.hardware.link_bandwidth_Bps.size(); ++i)
          bw += (i ? ", " : "") + sci(p.hardware.link_bandwidth_Bps[i] / 1e9, 3);
        t.add({p.stem, p.hardware.name, fixed(mc.peak_flops / 1e12, 1),
               fixed(p.hardware.hbm_bandwidth_Bps / 1e12, 2), lv + ")", bw});
      }
      t.print(std::cout);
      return kExitOk;
    };
  });
}

}  // namespace llmsweep::cli
