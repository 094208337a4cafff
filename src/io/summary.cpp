#include "io/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "costmodel/run_data.hpp"
#include "costmodel/status.hpp"
#include "grid/axes.hpp"
#include "search/ramp.hpp"

namespace llmsweep::io {
namespace {

std::string num(double x) {
  if (std::isnan(x)) return "-";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// Every input that defines a scenario: all but the width (and what follows from it).
std::string key_of(const grid::Row& r, const std::vector<std::string>& labels) {
  static const char* experts[] = {"dense", "sparse", "experts="};
  static const char* batch[] = {"default", "deepseek", "none", "power", "tokens", "step-law"};
  std::string k = r.hardware < labels.size() ? labels[r.hardware] : "hw" + std::to_string(r.hardware);
  k += std::string(" ") + experts[std::min<int>(r.experts_rule, 2)];
  if (r.experts_rule == static_cast<std::uint8_t>(grid::ExpertsRule::count)) k += std::to_string(r.experts);
  k += std::string(" batch=") + batch[std::min<int>(r.batch_rule, 5)];
  if (r.batch_rule == 3) k += "^" + num(r.batch_exponent);
  if (r.batch_rule == 4)
    k += num(static_cast<double>(r.batch_tokens));
  else if (r.batch_multiplier != 1)
    k += "x" + num(r.batch_multiplier);
  if (r.d_ff_ratio != 4) k += " ff=" + num(r.d_ff_ratio);
  if (std::isnan(r.depth_multiplier))
    k += " layers=" + std::to_string(r.layers);
  else if (r.depth_multiplier != 1 || !std::isnan(r.depth_exponent))
    k += " depth=x" + num(r.depth_multiplier) +
         (std::isnan(r.depth_exponent) ? "" : "^" + num(r.depth_exponent));
  if (r.seq_len != 2048) k += " seq=" + std::to_string(r.seq_len);
  if (r.run_months != 3) k += " months=" + num(r.run_months);
  k += r.zero_bubble_allowed ? " zb" : " no-zb";
  if (r.model != 0)
    k += std::string(" model=") +
         std::string(costmodel::model_kind_name(static_cast<costmodel::ModelKind>(r.model)));
  if (r.zb_latency != 0)
    k += std::string(" zb-latency=") +
         std::string(costmodel::zb_latency_name(static_cast<costmodel::ZbLatency>(r.zb_latency)));
  if (const auto v =
          search::search_variant_of(r.prune_flattened != 0, static_cast<int>(r.microbatch_candidates));
      v != search::SearchVariant::reference)
    k += std::string(" search=") + (v ? std::string(search::search_variant_name(*v))
                                      : (r.prune_flattened ? "" : "exhaustive,") + std::string("m") +
                                            std::to_string(r.microbatch_candidates));
  if (r.cluster_sizes)
    k += std::string(" ") + search::cluster_sizes_name(static_cast<search::ClusterSizes>(r.cluster_sizes));
  if (r.requested_gpus) k += " gpus=" + std::to_string(r.requested_gpus);
  // The extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7), as resolved.
  if (r.failure_recovery != 0) {
    k += std::string(" ") +
         std::string(costmodel::recovery_name(static_cast<costmodel::Recovery>(r.failure_recovery))) +
         " mtbf=" + num(r.gpu_mtbf_hours) + "h restart=" + num(r.restart_time_s) + "s";
    if (!std::isnan(r.checkpoint_write_GBps))
      k += " ckpt=" + num(r.checkpoint_write_GBps) + "/" + num(r.checkpoint_read_GBps) + "GB/s";
  }
  if (r.sites > 1)
    k += " sites=" + std::to_string(r.sites) + "@" + num(r.site_bandwidth_GBps) + "GB/s," +
         num(r.site_latency_ms) + "ms," +
         std::string(costmodel::site_crossing_name(static_cast<costmodel::SiteCrossing>(r.site_crossing)));
  if (r.ramp_phases > 1)
    k += " ramp#" + std::to_string(r.ramp_index) + "," +
         std::string(search::ramp_plans_name(static_cast<search::RampPlans>(r.ramp_plans)));
  return k;
}

}  // namespace

namespace {

// Walks one scenario's rows in width order (a null row: a width whose point has no result),
// counting its pending points on the way.
void walk(Scenario& s, const std::vector<const grid::Row*>& g, double cap) {
  search::FrontierWalk walk;
  for (const grid::Row* r : g) {
    if (r && r->status == grid::kStatusPending) ++s.pending;
    if (walk.ended()) continue;
    if (!r || r->status == grid::kStatusPending) {
      walk.pending();  // the frontier cannot be read past a point not computed yet
    } else if (r->status != static_cast<std::uint8_t>(costmodel::Status::ok)) {
      walk.infeasible(r->d_model);
    } else {
      s.rows.push_back(*r);
      search::FrontierRow fr;
      fr.compute_flop = r->compute_flop;
      // What the thresholds compare (search::FrontierRow::threshold_utilization): the wall-time
      // utilization, which files written before the run-level terms lack (NaN when read).
      fr.result.evaluation.utilization =
          std::isnan(r->wall_utilization) ? r->utilization : r->wall_utilization;
      walk.add(fr);
    }
  }
  s.thresholds = walk.thresholds(cap);
}

}  // namespace

std::vector<Scenario> feasible_scenarios(const std::vector<grid::Row>& rows, const StoredInfo& info) {
  std::size_t width_axis = info.axis_names.size();
  for (std::size_t a = 0; a < info.axis_names.size(); ++a)
    if (info.axis_names[a] == "width") width_axis = a;
  const std::uint64_t widths =
      width_axis < info.axis_sizes.size() ? static_cast<std::uint64_t>(info.axis_sizes[width_axis]) : 1;
  std::vector<std::int64_t> d_of(widths, 0);
  if (width_axis < info.axis_labels.size())
    for (std::size_t w = 0; w < widths && w < info.axis_labels[width_axis].size(); ++w) {
      const std::string& l = info.axis_labels[width_axis][w];
      if (!l.empty() && l.find_first_not_of("0123456789") == std::string::npos) d_of[w] = std::stoll(l);
    }
  std::map<std::int64_t, std::vector<const grid::Row*>> groups;
  for (const grid::Row& r : rows) {
    auto& g = groups[r.scenario];
    if (g.empty()) g.assign(widths, nullptr);
    if (static_cast<std::uint64_t>(r.width_index) < widths) g[static_cast<std::size_t>(r.width_index)] = &r;
  }
  std::vector<Scenario> out;
  for (auto& [id, g] : groups) {
    const grid::Row* any = *std::find_if(g.begin(), g.end(), [](const grid::Row* r) { return r != nullptr; });
    Scenario s;
    s.label = key_of(*any, info.hardware_stems);
    s.points = widths;
    const double cap =
        any->hardware < info.utilization_caps.size() ? info.utilization_caps[any->hardware] : 1.0;
    // Complete: a width without a row is infeasible; stand in a row with its width and no result.
    std::vector<grid::Row> stand_ins(widths);
    std::vector<const grid::Row*> walked = g;
    if (info.complete)
      for (std::size_t w = 0; w < widths; ++w)
        if (!walked[w]) {
          stand_ins[w].status = static_cast<std::uint8_t>(costmodel::Status::deadline);
          stand_ins[w].d_model = d_of[w];
          walked[w] = &stand_ins[w];
        }
    walk(s, walked, cap);
    if (s.thresholds.first_infeasible_d_model && *s.thresholds.first_infeasible_d_model == 0)
      s.thresholds.first_infeasible_d_model.reset();  // a compute target: its width is not stored
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Scenario> scenarios(const std::vector<grid::Row>& rows, const std::vector<std::string>& labels,
                                const std::vector<double>& caps) {
  std::map<std::int64_t, std::vector<const grid::Row*>> groups;
  for (const grid::Row& r : rows) groups[r.scenario].push_back(&r);
  std::vector<Scenario> out;
  for (auto& [id, g] : groups) {
    std::stable_sort(g.begin(), g.end(),
                     [](const grid::Row* a, const grid::Row* b) { return a->width_index < b->width_index; });
    Scenario s;
    s.label = key_of(*g.front(), labels);
    s.points = g.size();
    const double cap = g.front()->hardware < caps.size() ? caps[g.front()->hardware] : 1.0;
    walk(s, g, cap);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace llmsweep::io
