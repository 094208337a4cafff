#include "io/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "costmodel/status.hpp"
#include "grid/axes.hpp"

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
  static const char* experts[] = {"dense", "width-scaled", "experts="};
  static const char* batch[] = {"default", "deepseek", "none", "power", "tokens"};
  std::string k = r.hardware < labels.size() ? labels[r.hardware] : "hw" + std::to_string(r.hardware);
  k += std::string(" ") + experts[std::min<int>(r.experts_rule, 2)];
  if (r.experts_rule == static_cast<std::uint8_t>(grid::ExpertsRule::count)) k += std::to_string(r.experts);
  k += std::string(" batch=") + batch[std::min<int>(r.batch_rule, 4)];
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
  if (r.zb_latency != 0) k += " zb-latency=max";
  if (!r.prune_flattened || r.microbatch_candidates != 4)
    k += std::string(" search=") + (r.prune_flattened ? "" : "exhaustive,") + "m" +
         std::to_string(r.microbatch_candidates);
  if (r.cluster_sizes)
    k += std::string(" ") + search::cluster_sizes_name(static_cast<search::ClusterSizes>(r.cluster_sizes));
  if (r.requested_gpus) k += " gpus=" + std::to_string(r.requested_gpus);
  return k;
}

}  // namespace

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
    std::optional<std::int64_t> first_infeasible;
    std::vector<search::FrontierRow> walk;
    bool stopped = false;
    for (const grid::Row* r : g) {
      if (r->status == grid::kStatusPending) ++s.pending;
      if (stopped) continue;
      if (r->status == grid::kStatusPending) {
        stopped = true;  // the frontier cannot be read past a point not computed yet
        continue;
      }
      if (r->status != static_cast<std::uint8_t>(costmodel::Status::ok)) {
        first_infeasible = r->d_model;
        stopped = true;
        continue;
      }
      s.rows.push_back(*r);
      search::FrontierRow fr;
      fr.compute_flop = r->compute_flop;
      fr.result.evaluation.utilization = r->utilization;
      walk.push_back(fr);
      if (r->utilization < search::kFrontierMinUtilization) stopped = true;
    }
    const double cap = g.front()->hardware < caps.size() ? caps[g.front()->hardware] : 1.0;
    s.thresholds = search::thresholds_of(walk, cap, first_infeasible);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace llmsweep::io
