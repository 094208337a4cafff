#include "api/commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "common/error.hpp"
#include "common/text.hpp"
#include "costmodel/matmul.hpp"
#include "costmodel/sites.hpp"
#include "io/sensitivity_file.hpp"
#include "search/cluster.hpp"
#include "search/policy.hpp"

namespace llmsweep::api {
namespace {

using costmodel::Kind;

void require_positive(const char* option, std::int64_t v);

// A model size: positive and at most validate_model's 2^53, checked before it is multiplied.
void require_size(const char* option, std::int64_t v, std::int64_t max = costmodel::kMaxModelInteger,
                  const char* max_text = "2^53") {
  require_positive(option, v);
  if (v > max)
    throw UsageError(std::string(option) + " must be at most " + max_text + ", got " + std::to_string(v));
}

void require_positive(const char* option, std::int64_t v) {
  if (v <= 0) throw UsageError(std::string(option) + " must be a positive integer, got " + std::to_string(v));
}

void check_overlaps(const OverlapArgs& o) {
  for (auto [name, v] : {std::pair{"--overlap-tp", o.overlap_tp},
                         {"--overlap-dp", o.overlap_dp},
                         {"--overlap-pp", o.overlap_pp}})
    if (v != 0 && v != 1) throw UsageError(std::string(name) + " must be 0 or 1, got " + std::to_string(v));
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

costmodel::Machine machine_for(const std::string& hardware, const CostModelArgs& cost_model) {
  return costmodel::make_machine(profile_for(hardware, cost_model).hardware);
}

std::string step_name(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", f);
  return b;
}

const std::vector<std::int64_t>& degrees_of(const EvalArgs& a, Kind kind) {
  switch (kind) {
    case Kind::dp:
      return a.dp;
    case Kind::tp_model:
      return a.tp_model;
    case Kind::tp_ff:
      return a.tp_ff;
    case Kind::pp:
      return a.pp;
    case Kind::ep:
      return a.ep;
  }
  throw InternalError("unknown parallelism kind");
}

// The plan of eval's options, checked against the hardware and the model.
costmodel::Plan eval_plan(const EvalArgs& a, const costmodel::Hardware& hw, const costmodel::Model& model,
                          const search::RunTerms& terms) {
  costmodel::Plan plan;
  const bool sites = terms.sites.active();
  plan.levels = hw.levels() + (sites ? 1 : 0);
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto kind = static_cast<Kind>(k);
    const std::vector<std::int64_t>& given = degrees_of(a, kind);
    if (given.empty()) continue;
    if (static_cast<int>(given.size()) != plan.levels)
      throw UsageError("--" + std::string(kind_name(kind)) + " has " + std::to_string(given.size()) +
                       " degrees but " + hw.name + " has " + std::to_string(plan.levels) + " network levels" +
                       (sites ? " and the site level" : "") + ": give one per level, inside a node first" +
                       (sites ? ", the site level last" : ""));
    for (int l = 0; l < plan.levels; ++l) {
      if (given[static_cast<std::size_t>(l)] <= 0)
        throw UsageError("--" + std::string(kind_name(kind)) + " degrees must be positive, got " +
                         std::to_string(given[static_cast<std::size_t>(l)]));
      plan.at(kind, l) = given[static_cast<std::size_t>(l)];
    }
  }
  require_size("--microbatches", a.microbatches);
  require_size("--interleave", a.interleave);
  plan.microbatches = a.microbatches;
  plan.interleave = a.interleave;
  plan.zero_bubble = a.zero_bubble;
  check_overlaps(a.overlaps);
  plan.overlap_tp = a.overlaps.overlap_tp == 1;
  plan.overlap_dp = a.overlaps.overlap_dp == 1;
  plan.overlap_pp = a.overlaps.overlap_pp == 1;
  const std::string why = terms.active() ? search::check_run_plan(hw, model, plan, terms)
                                         : costmodel::check_plan(hw, model, plan);
  if (!why.empty()) throw UsageError("impossible plan: " + why);
  if (a.gpus) {
    require_positive("--gpus", *a.gpus);
    if (plan.gpus() != static_cast<double>(*a.gpus))
      throw UsageError("the degrees multiply to " + count(plan.gpus()) + " GPUs, not --gpus " +
                       std::to_string(*a.gpus));
  }
  return plan;
}

// A run-level number: finite and > 0 (or >= 0 where zero means "none").
double run_number(const char* option, double v, bool allow_zero) {
  if (!std::isfinite(v) || v < 0 || (v == 0 && !allow_zero))
    throw UsageError(std::string(option) + " must be " + (allow_zero ? ">= 0" : "> 0") + " and finite, got " +
                     step_name(v));
  return v;
}

// The option a problem of search::resolve_run_terms is about.
const char* run_option(const std::string& field) {
  if (field == "recovery") return "--recovery";
  if (field == "mtbf") return "--mtbf-gpu-hours";
  if (field == "checkpoint_write") return "--checkpoint-write-GBps";
  if (field == "checkpoint_read") return "--checkpoint-read-GBps";
  if (field == "restart") return "--restart-s";
  if (field == "sites") return "--sites";
  if (field == "site_bandwidth") return "--site-bandwidth-GBps";
  if (field == "site_latency") return "--site-latency-ms";
  return "--ramp";
}

// The first run-level option given, if any (what the reference model refuses).
const char* first_run_option(const RunArgs& a) {
  const std::pair<bool, const char*> given[] = {
      {a.recovery.has_value(), "--recovery"},
      {a.mtbf_gpu_hours.has_value(), "--mtbf-gpu-hours"},
      {a.checkpoint_write_GBps.has_value(), "--checkpoint-write-GBps"},
      {a.checkpoint_read_GBps.has_value(), "--checkpoint-read-GBps"},
      {a.restart_s.has_value(), "--restart-s"},
      {a.sites.has_value(), "--sites"},
      {a.site_bandwidth_GBps.has_value(), "--site-bandwidth-GBps"},
      {a.site_latency_ms.has_value(), "--site-latency-ms"},
      {a.site_crossing.has_value(), "--site-crossing"},
      {a.ramp.has_value(), "--ramp"},
      {a.ramp_plans != RunArgs{}.ramp_plans, "--ramp-plans"}};
  for (const auto& [is_given, name] : given)
    if (is_given) return name;
  return nullptr;
}

search::RunInputs run_inputs(const RunArgs& a) {
  search::RunInputs in;
  if (a.recovery) {
    in.recovery = costmodel::recovery_from_name(*a.recovery);
    if (!in.recovery) throw UsageError("--recovery must be none, storage or peer, got '" + *a.recovery + "'");
  }
  if (a.mtbf_gpu_hours) in.gpu_mtbf_s = run_number("--mtbf-gpu-hours", *a.mtbf_gpu_hours, false) * 3600;
  if (a.checkpoint_write_GBps)
    in.checkpoint_write_Bps = run_number("--checkpoint-write-GBps", *a.checkpoint_write_GBps, false) * 1e9;
  if (a.checkpoint_read_GBps)
    in.checkpoint_read_Bps = run_number("--checkpoint-read-GBps", *a.checkpoint_read_GBps, false) * 1e9;
  if (a.restart_s) in.restart_s = run_number("--restart-s", *a.restart_s, true);
  if (a.sites) {
    if (*a.sites < 1 || *a.sites > costmodel::kMaxExperts)
      throw UsageError("--sites must be at least 1 and at most 2^30, got " + std::to_string(*a.sites));
    in.sites = *a.sites;
  }
  if (a.site_bandwidth_GBps)
    in.site_bandwidth_Bps = run_number("--site-bandwidth-GBps", *a.site_bandwidth_GBps, false) * 1e9;
  if (a.site_latency_ms) in.site_latency_s = run_number("--site-latency-ms", *a.site_latency_ms, true) / 1e3;
  if (a.site_crossing) {
    in.site_crossing = costmodel::site_crossing_from_name(*a.site_crossing);
    if (!in.site_crossing)
      throw UsageError("--site-crossing must be dp or dp-pp, got '" + *a.site_crossing + "'");
  }
  if (a.ramp) {
    const auto r = search::parse_ramp(*a.ramp);
    if (!r)
      throw UsageError(
          "--ramp must be UNTIL_FRACTION:BATCH_FACTOR steps separated by commas (e.g. "
          "0.0317:0.2,1:1) or none, got '" +
          *a.ramp + "'");
    if (auto why = search::check_ramp(*r)) throw UsageError("--ramp: " + *why);
    in.ramp = *r;
  }
  const auto plans = search::ramp_plans_from_name(a.ramp_plans);
  if (!plans) throw UsageError("--ramp-plans must be per-phase or one-plan, got '" + a.ramp_plans + "'");
  in.ramp_plans = *plans;
  return in;
}

}  // namespace

search::RunTerms run_terms(const RunArgs& a, const costmodel::Hardware& hw, costmodel::ModelKind kind) {
  const search::RunInputs in = run_inputs(a);
  if (kind != costmodel::ModelKind::extended) {
    if (const char* given = first_run_option(a))
      throw UsageError(std::string(given) + " belongs to the extended model: add --model extended");
    return {};
  }
  search::RunTerms terms;
  if (const auto bad = search::resolve_run_terms(hw, in, terms))
    throw UsageError(std::string(run_option(bad->field)) + ": " + bad->message);
  return terms;
}

std::string keyword_name(const char* option_name) {
  std::string name = option_name;
  if (const auto comma = name.rfind(','); comma != std::string::npos) name = name.substr(comma + 1);
  name = name.substr(name.find_first_not_of('-'));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

costmodel::Options cost_model_options(const CostModelArgs& a) {
  costmodel::Options o;
  const auto kind = costmodel::model_kind_from_name(a.model);
  if (!kind) throw UsageError("--model must be reference or extended, got '" + a.model + "'");
  o.model_kind = *kind;
  const auto zb = costmodel::zb_latency_from_name(a.zb_latency);
  if (!zb) throw UsageError("--zb-latency must be hidden or max, got '" + a.zb_latency + "'");
  o.zb_latency = *zb;
  return o;
}

config::Profile profile_for(const std::string& hardware, const CostModelArgs& cost_model) {
  const costmodel::ModelKind kind = cost_model_options(cost_model).model_kind;
  config::Profile profile = config::resolve_profile(hardware);
  const std::string why = costmodel::extended_requirement(profile.hardware);
  if (!why.empty() && kind == costmodel::ModelKind::reference)
    throw UsageError("hardware profile " + profile.stem + " needs --model extended: " + why);
  return profile;
}

std::string model_support(const costmodel::Hardware& hw) {
  if (!costmodel::extended_requirement(hw).empty()) return "extended needed";
  bool pow2 = true;
  for (std::int64_t s : hw.level_sizes) pow2 = pow2 && (s & (s - 1)) == 0;
  return costmodel::has_extended_terms(hw) || !pow2 ? "extended differs" : "both alike";
}

std::vector<double> sensitivity_steps(const SensitivityArgs& a) {
  if (a.factor && a.step != search::kDefaultSensitivitySteps)
    throw UsageError("give --step or --factor, not both");
  std::vector<double> steps = a.factor ? std::vector<double>{*a.factor} : a.step;
  if (steps.empty()) throw UsageError("--step needs at least one factor");
  for (double f : steps)
    if (!(f > 1) || !std::isfinite(f))
      throw UsageError(std::string(a.factor ? "--factor" : "--step") + " must be > 1, got " + step_name(f));
  return steps;
}

costmodel::Model build_model(const ModelArgs& a) {
  costmodel::Model m;
  require_size("--d-model", a.d_model);
  m.d_model = a.d_model;
  if (a.d_ff) require_size("--d-ff", *a.d_ff);
  m.d_ff = a.d_ff ? *a.d_ff : 4 * a.d_model;
  if (a.layers) require_size("--layers", *a.layers);
  m.layers = a.layers ? *a.layers : search::depth_for(m.d_model, m.d_ff);
  require_size("--experts", a.experts, costmodel::kMaxExperts, "2^30");
  m.experts = a.experts;
  require_size("--seq-len", a.seq_len);
  m.seq_len = a.seq_len;
  const search::BatchLaw law = batch_law(a.batch, "--batch");
  if (a.batch_seqs) {
    require_size("--batch-seqs", *a.batch_seqs);
    m.batch_seqs = *a.batch_seqs;
  } else {
    m.batch_seqs = search::batch_for(m.compute_flop(), m.experts, m.seq_len, law);
  }
  if (std::string why = costmodel::validate_model(m); !why.empty()) throw UsageError(why);
  return m;
}

search::SearchOptions search_options(const CostModelArgs& cost_model, bool no_zero_bubble,
                                     const OverlapArgs& overlaps) {
  search::SearchOptions o;
  o.model = cost_model_options(cost_model);
  o.allow_zero_bubble = !no_zero_bubble;
  check_overlaps(overlaps);
  o.overlap_tp = overlaps.overlap_tp == 1;
  o.overlap_dp = overlaps.overlap_dp == 1;
  o.overlap_pp = overlaps.overlap_pp == 1;
  return o;
}

search::FrontierSpec frontier_spec(const FrontierArgs& a) {
  search::FrontierSpec spec;
  auto experts = search::experts_policy_from_name(a.experts);
  if (!experts) throw UsageError("--experts must be dense or sparse, got '" + a.experts + "'");
  spec.policy.experts = *experts;
  spec.policy.batch = batch_law(a.batch, "--batch");
  if (!(a.months > 0 && a.months <= search::kMaxRunMonths))
    throw UsageError("--months must be > 0 and at most 1e6, got " + std::to_string(a.months));
  spec.run_months = a.months;
  if (!a.widths.empty()) {
    for (std::int64_t w : a.widths) require_size("--widths", w);
    spec.widths = a.widths;
    std::sort(spec.widths.begin(), spec.widths.end());
  }
  if (a.cluster_sizes) {
    const auto sizes = search::cluster_sizes_from_name(*a.cluster_sizes);
    if (!sizes)
      throw UsageError("--cluster-sizes must be powers-of-two, fill-levels, pow2-domains or domains, got '" +
                       *a.cluster_sizes + "'");
    spec.cluster_sizes = *sizes;
  }
  spec.search = search_options(a.cost_model, a.no_zero_bubble, OverlapArgs{});
  const auto variant = search::search_variant_from_name(a.search);
  if (!variant)
    throw UsageError("--search must be reference, exhaustive, all-microbatches or corrected, got '" +
                     a.search + "'");
  search::apply_search_variant(*variant, spec.search);
  return spec;
}

EvalResult evaluate(const EvalArgs& a) {
  const costmodel::Model model = build_model(a.model);
  const costmodel::Options options = cost_model_options(a.model.cost_model);
  const costmodel::Machine mc = machine_for(a.model.hardware, a.model.cost_model);
  const search::RunTerms terms = run_terms(a.model.run, mc.hw, options.model_kind);
  const costmodel::Plan plan = eval_plan(a, mc.hw, model, terms);
  if (!terms.active())
    return {mc.hw.name,
            a.model.cost_model.model,
            model,
            plan,
            costmodel::evaluate(mc, model, plan, options),
            terms,
            std::nullopt};
  search::RunResult run = search::evaluate_run(mc, model, plan, options, terms);
  const costmodel::Evaluation ev = run.main().evaluation;
  return {mc.hw.name, a.model.cost_model.model, model, plan, ev, terms, std::move(run)};
}

PlanResult best_plan(const PlanArgs& a) {
  const costmodel::Model model = build_model(a.model);
  require_positive("--gpus", a.gpus);
  const search::SearchOptions options = search_options(a.model.cost_model, a.no_zero_bubble, a.overlaps);
  const costmodel::Machine mc = machine_for(a.model.hardware, a.model.cost_model);
  const search::RunTerms terms = run_terms(a.model.run, mc.hw, options.model.model_kind);
  const std::int64_t sites = terms.sites.active() ? terms.sites.count : 1;
  if (a.gpus % sites != 0)
    throw UsageError("--gpus " + std::to_string(a.gpus) + " is not a multiple of the " +
                     std::to_string(sites) + " sites");
  if (!search::fits_levels(mc.hw.level_sizes, a.gpus / sites)) {
    std::string sizes;
    std::int64_t below = 1;
    for (std::int64_t s : mc.hw.level_sizes)
      sizes += (sizes.empty() ? "" : ", ") + std::to_string(below *= s);
    throw UsageError("--gpus " + std::to_string(a.gpus) + (sites > 1 ? " per site" : "") + " does not fill " +
                     mc.hw.name + "'s network levels: above each level's size (" + sizes +
                     ") it must be a multiple of it");
  }
  if (!terms.active())
    return {mc.hw.name,
            a.model.cost_model.model,
            model,
            a.gpus,
            search::best_plan(mc, model, a.gpus, options),
            terms,
            std::nullopt};
  search::RunResult run = search::RunSearch(mc, model, options, terms).best(a.gpus);
  search::SearchResult main;
  main.status = run.status;
  if (run.found()) {
    main.plan = run.main().plan;
    main.evaluation = run.main().evaluation;
  }
  PlanResult out{mc.hw.name, a.model.cost_model.model, model, a.gpus, main, terms, std::nullopt};
  if (run.found()) out.run = std::move(run);
  return out;
}

FrontierResult frontier(const FrontierArgs& a) {
  search::FrontierSpec spec = frontier_spec(a);
  const costmodel::Machine mc = machine_for(a.hardware, a.cost_model);
  spec.run = run_terms(a.run, mc.hw, spec.search.model.model_kind);
  return {mc.hw.name, a, search::cluster_sizes_name(search::cluster_sizes_of(spec)), spec.run,
          search::frontier(mc, spec)};
}

SensitivityResult sensitivity(const SensitivityArgs& a) {
  const std::vector<double> steps = sensitivity_steps(a);
  search::FrontierSpec spec = frontier_spec(a.frontier);
  config::Profile profile = profile_for(a.frontier.hardware, a.frontier.cost_model);
  spec.run = run_terms(a.frontier.run, profile.hardware, spec.search.model.model_kind);
  if (spec.run.active() && a.output)
    throw UsageError(
        "--output does not record run-level terms yet: leave out -o or the extended terms (the "
        "profile's [failures] or [sites] table, --recovery, --sites, --ramp)");
  search::Sensitivity s = search::sensitivity(profile.hardware, spec, steps);
  if (a.output) {
    const FrontierArgs& f = a.frontier;
    io::SensitivityMeta meta{profile.stem,
                             profile.hardware.name,
                             profile.text,
                             f.experts,
                             f.batch,
                             search::cluster_sizes_name(search::cluster_sizes_of(spec)),
                             f.cost_model.zb_latency,
                             f.search,
                             spec.widths,
                             !f.no_zero_bubble,
                             f.months};
    meta.model = f.cost_model.model;
    io::write_sensitivity_file(*a.output, meta, s, a.overwrite);
  }
  return {std::move(profile), a, std::move(s)};
}

double matmul_seconds(const std::string& hardware, std::int64_t d1, std::int64_t d2, std::int64_t b,
                      bool weight_grads) {
  require_positive("d1", d1);
  require_positive("d2", d2);
  require_positive("b", b);
  return costmodel::matmul_time(machine_for(hardware, CostModelArgs{}), d1, d2, b, weight_grads);
}

}  // namespace llmsweep::api
