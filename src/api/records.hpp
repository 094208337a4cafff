// The fields of every result the model commands give, named once: `llmsweep ... --json` and the
// Python module's result objects are both built from these lists, so their keys and values
// agree. Each function calls v(name, value) per field; values are std::int64_t, int, double,
// bool, std::string, std::vector of integers or reals, or std::optional of a number (null/None
// when empty).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "api/commands.hpp"
#include "search/cluster.hpp"

namespace llmsweep::api {

template <class V>
void visit_model(const costmodel::Model& m, V&& v) {
  v("d_model", m.d_model);
  v("d_ff", m.d_ff);
  v("layers", m.layers);
  v("experts", m.experts);
  v("batch_seqs", m.batch_seqs);
  v("seq_len", m.seq_len);
  v("params", m.params());
  v("tokens", m.tokens());
  v("compute_flop", m.compute_flop());
}

// Every degree as its total ("dp") and per network level ("dp_levels", inside a node first).
template <class V>
void visit_degrees(const costmodel::Plan& p, V&& v) {
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto kind = static_cast<costmodel::Kind>(k);
    std::vector<std::int64_t> per_level;
    for (int l = 0; l < p.levels; ++l) per_level.push_back(p.at(kind, l));
    v(kind_name(kind), p.total(kind));
    v(std::string(kind_name(kind)) + "_levels", per_level);
  }
  v("microbatches", p.microbatches);
  v("interleave", p.interleave);
  v("zero_bubble", p.zero_bubble);
}

template <class V>
void visit_plan(const costmodel::Plan& p, V&& v) {
  visit_degrees(p, v);
  v("overlap_tp", p.overlap_tp);
  v("overlap_dp", p.overlap_dp);
  v("overlap_pp", p.overlap_pp);
}

// `breakdown`: also the parts Tstep splits into (busy, bubble, exposed network and latency),
// which the CLI's JSON leaves out.
template <class V>
void visit_evaluation(const costmodel::Evaluation& ev, V&& v, bool breakdown = false) {
  v("status", std::string(costmodel::status_name(ev.status)));
  v("gpus", ev.gpus);
  v("steps", ev.steps);
  v("utilization", ev.utilization);
  v("run_s", ev.run_s);
  v("years", ev.run_s / search::kSecondsPerYear);
  v("step_s", ev.step_s);
  v("ideal_step_s", ev.ideal_step_s);
  v("pipeline_s", ev.pipeline_s);
  v("matmul_s", ev.matmul_s);
  v("bubble_fraction", ev.bubble_fraction);
  v("overlapped_comm_s", ev.overlapped_comm_s);
  v("exposed_comm_s", ev.exposed_comm_s);
  v("step_tp_comm_s", ev.net.tp_comm_s);
  v("step_dp_comm_s", ev.net.dp_comm_s);
  v("step_pp_ep_comm_s", ev.net.pp_ep_comm_s);
  v("step_tp_latency_s", ev.net.tp_latency_s);
  v("step_dp_latency_s", ev.net.dp_latency_s);
  v("step_pp_ep_latency_s", ev.net.pp_ep_latency_s);
  v("tp_comm_s", ev.run_tp_comm_s);
  v("dp_comm_s", ev.run_dp_comm_s);
  v("pp_ep_comm_s", ev.run_pp_ep_comm_s);
  v("latency_s", ev.run_latency_s);
  v("memory_used_bytes", ev.memory_used_bytes);
  v("memory_limit_bytes", ev.memory_limit_bytes);
  if (breakdown) {
    v("busy_s", ev.busy_s);
    v("bubble_s", ev.bubble_s);
    v("exposed_net_s", ev.exposed_net_s);
    v("exposed_latency_s", ev.exposed_latency_s);
  }
}

// One frontier row, flat; its times are per run (matmul_s too, unlike an evaluation's).
template <class V>
void visit_frontier_row(const search::FrontierRow& row, V&& v) {
  const costmodel::Evaluation& ev = row.result.evaluation;
  v("d_model", row.model.d_model);
  v("d_ff", row.model.d_ff);
  v("layers", row.model.layers);
  v("experts", row.model.experts);
  v("batch_seqs", row.model.batch_seqs);
  v("compute_flop", row.compute_flop);
  v("gpus", row.result.gpus);
  v("utilization", ev.utilization);
  v("years", ev.run_s / search::kSecondsPerYear);
  visit_degrees(row.result.plan, v);
  v("tp_comm_s", ev.run_tp_comm_s);
  v("dp_comm_s", ev.run_dp_comm_s);
  v("pp_ep_comm_s", ev.run_pp_ep_comm_s);
  v("latency_s", ev.run_latency_s);
  v("run_s", ev.run_s);
  v("matmul_s", ev.steps * ev.matmul_s);
  v("bubble_fraction", ev.bubble_fraction);
  v("whole_domains", row.result.whole_domains);
}

// The run-level terms in use (docs/MODEL-EXTENDED.md E5-E7), as the options name them; NaN where
// a term is off.
template <class V>
void visit_run_terms(const search::RunTerms& t, V&& v) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const costmodel::FailureModel& f = t.failures;
  const bool storage = f.recovery == costmodel::Recovery::storage;
  v("recovery", std::string(costmodel::recovery_name(f.recovery)));
  v("mtbf_gpu_hours", f.active() ? f.gpu_mtbf_s / 3600 : nan);
  v("checkpoint_write_GBps", storage ? f.checkpoint_write_Bps / 1e9 : nan);
  v("checkpoint_read_GBps", storage ? f.checkpoint_read_Bps / 1e9 : nan);
  v("restart_s", f.active() ? f.restart_s : nan);
  v("sites", t.sites.count);
  v("site_bandwidth_GBps", t.sites.active() ? t.sites.bandwidth_Bps / 1e9 : nan);
  v("site_latency_ms", t.sites.active() ? t.sites.latency_s * 1e3 : nan);
  v("site_crossing", std::string(costmodel::site_crossing_name(t.sites.crossing)));
  v("ramp", search::ramp_label(t.ramp));
  v("ramp_plans", std::string(search::ramp_plans_name(t.ramp_plans)));
}

// A whole run under run-level terms: compute time (the sum over ramp phases), the failure
// overhead as its own term with its parts, the wall time the deadline limits.
template <class V>
void visit_run(const search::RunResult& r, V&& v) {
  const costmodel::FailureTimes& f = r.failures;
  v("gpus", r.gpus);
  v("compute_s", r.compute_s);
  v("wall_s", r.wall_s);
  v("years", r.wall_s / search::kSecondsPerYear);
  v("utilization", r.utilization);
  v("wall_utilization", r.wall_utilization);
  v("warmup_s", r.warmup_s);
  v("busy_s", r.busy_s);
  v("bubble_s", r.bubble_s);
  v("exposed_comm_s", r.exposed_comm_s);
  v("exposed_latency_s", r.exposed_latency_s);
  v("failure_overhead_s", f.overhead_s);
  v("checkpoint_s", f.checkpoint_s);
  v("lost_work_s", f.lost_work_s);
  v("restart_s", f.restart_s);
  v("cluster_mtbf_s", f.cluster_mtbf_s);
  v("checkpoint_write_s", f.checkpoint_write_s);
  v("restore_s", f.restore_s);
  v("recovery_s", f.recovery_s);
  v("checkpoint_interval_s", f.interval_s);
  v("checkpoints", f.checkpoints);
  v("expected_failures", f.failures);
  v("failure_cap_gpus", r.failure_cap_gpus);
  v("phases", static_cast<std::int64_t>(r.phases.size()));
}

// One phase of a ramp (its plan and evaluation are records of their own).
template <class V>
void visit_run_phase(const search::RunPhase& p, V&& v) {
  v("tokens_fraction", p.phase.tokens_fraction);
  v("batch_seqs", p.phase.model.batch_seqs);
  v("compute_s", p.phase.tokens_fraction * p.evaluation.run_s);
}

// The scenario a frontier walked, as its options named it.
template <class V>
void visit_frontier_scenario(const FrontierResult& f, V&& v) {
  v("hardware", f.hardware);
  v("cost_model", f.args.cost_model.model);
  v("experts", f.args.experts);
  v("batch", f.args.batch);
  v("zero_bubble", !f.args.no_zero_bubble);
  v("run_months", f.args.months);
  v("zb_latency", f.args.cost_model.zb_latency);
  v("cluster_sizes", f.cluster_sizes);
  v("search", f.args.search);
  if (f.terms.active()) visit_run_terms(f.terms, v);
}

template <class V>
void visit_thresholds(const search::Thresholds& t, V&& v) {
  v("linear_scaling_ends_flop", t.linear_scaling_ends_flop);
  v("largest_feasible_flop", t.largest_feasible_flop);
  v("first_infeasible_d_model", t.first_infeasible_d_model);
}

template <class V>
void visit_refined_thresholds(const search::RefinedThresholds& t, V&& v) {
  v("linear_scaling_ends_flop", t.linear_scaling_ends_flop);
  v("largest_feasible_flop", t.largest_feasible_flop);
  v("coarse_linear_scaling_ends_flop", t.coarse.linear_scaling_ends_flop);
  v("coarse_largest_feasible_flop", t.coarse.largest_feasible_flop);
}

template <class V>
void visit_sensitivity_scenario(const SensitivityResult& s, V&& v) {
  v("hardware", s.profile.hardware.name);
  v("cost_model", s.args.frontier.cost_model.model);
  v("experts", s.args.frontier.experts);
  v("batch", s.args.frontier.batch);
  v("steps", s.sensitivity.factors);
  v("factor", s.sensitivity.factors.back());
  v("wall_reached", s.sensitivity.baseline.coarse.first_infeasible_d_model.has_value());
}

// One ranked row without its down/up thresholds (visit_refined_thresholds gives those) or its
// steps (visit_sensitivity_step); its elasticities are the primary step's (x/÷ 2 by default).
template <class V>
void visit_sensitivity_row(const search::SensitivityRow& r, int rank, V&& v) {
  v("rank", rank);
  v("number", std::string(search::hardware_number_name(r.number)));
  v("units", std::string(search::hardware_number_units(r.number)));
  v("baseline_value", r.baseline_value);
  v("wall_elasticity", r.primary().wall_elasticity);
  v("linear_scaling_elasticity", r.primary().linear_scaling_elasticity);
  v("regime_change", r.regime_change());
}

// One step of a row without its down/up thresholds.
template <class V>
void visit_sensitivity_step(const search::SensitivityStep& t, V&& v) {
  v("factor", t.factor);
  v("applies", t.applies);
  v("wall_elasticity", t.wall_elasticity);
  v("wall_down_elasticity", t.wall_down_elasticity);
  v("wall_up_elasticity", t.wall_up_elasticity);
  v("wall_regime_change", t.wall_regime_change);
  v("linear_scaling_elasticity", t.linear_scaling_elasticity);
  v("linear_scaling_down_elasticity", t.linear_scaling_down_elasticity);
  v("linear_scaling_up_elasticity", t.linear_scaling_up_elasticity);
  v("linear_scaling_regime_change", t.linear_scaling_regime_change);
}

// A profile as `profiles --json` lists it.
template <class V>
void visit_profile(const config::Profile& p, V&& v) {
  v("stem", p.stem);
  v("name", p.hardware.name);
  v("path", p.path);
  v("vendor", p.vendor);
  v("year", p.year == 0 ? std::optional<std::int64_t>() : std::optional<std::int64_t>(p.year));
  v("preliminary", p.preliminary);
  v("needs_extended", !costmodel::extended_requirement(p.hardware).empty());
  v("model", model_support(p.hardware));
}

// Every number of a profile, in SI units (config/hardware_config.cpp converts them once).
template <class V>
void visit_hardware(const costmodel::Hardware& h, V&& v) {
  v("name", h.name);
  v("bits", h.bits);
  v("flop_per_clock_per_thread", h.flop_per_clock_per_thread);
  v("register_bytes_per_block", h.register_bytes_per_block);
  v("sms", h.sms);
  v("l2_bandwidth_Bps", h.l2_bandwidth_Bps);
  v("l2_bytes", h.l2_bytes);
  v("hbm_bandwidth_Bps", h.hbm_bandwidth_Bps);
  v("max_clock_hz", h.max_clock_hz);
  v("utilization_cap", h.utilization_cap);
  v("dsmem", h.dsmem);
  v("memory_bytes", h.memory_bytes);
  v("kernel_latency_s", h.kernel_latency_s);
  v("level_sizes", h.level_sizes);
  v("link_bandwidth_Bps", h.link_bandwidth_Bps);
  v("link_latency_s", h.link_latency_s);
  v("tensor_memory_bytes", h.tensor_memory_bytes);
  v("cta_pair_mma", h.cta_pair_mma);
  std::vector<std::int64_t> torus_levels;
  for (int l = 0; l < h.levels(); ++l)
    if (h.topology_of(l) == costmodel::Topology::torus) torus_levels.push_back(l);
  v("torus_levels", torus_levels);
  v("torus_dims", h.torus_dims);
  v("engine", std::string(h.engine == costmodel::MatmulEngine::systolic ? "systolic" : "sm"));
  v("systolic_peak_flops", h.systolic_peak_flops);
  v("onchip_memory_bytes", h.onchip_memory_bytes);
  v("systolic_array_dim", h.systolic_array_dim);
}

}  // namespace llmsweep::api
