#include "cli/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "api/records.hpp"
#include "search/cluster.hpp"

namespace llmsweep::cli {

using costmodel::Kind;

std::string duration(double s) {
  if (!std::isfinite(s)) return sci(s);
  const double a = std::fabs(s);
  if (a == 0) return "0 s";
  if (a < 1e-6) return fixed(s * 1e9, 1) + " ns";
  if (a < 1e-3) return fixed(s * 1e6, 1) + " us";
  if (a < 1) return fixed(s * 1e3, 2) + " ms";
  if (a < 120) return fixed(s, 2) + " s";
  if (a < 7200) return fixed(s / 60, 1) + " min";
  if (a < 2 * 86400) return fixed(s / 3600, 1) + " h";
  if (a < 2 * search::kSecondsPerYear) return fixed(s / 86400, 1) + " days";
  return fixed(s / search::kSecondsPerYear, 2) + " years";
}

std::string levels(const costmodel::Plan& plan, Kind kind) {
  std::string out;
  for (int l = 0; l < plan.levels; ++l) {
    if (l) out += 'x';
    out += std::to_string(plan.at(kind, l));
  }
  return out;
}

Table::Table(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), true);
}

void Table::add(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    width[c] = header_[c].size();
    for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t pad = width[c] - cells[c].size();
      if (c) s += "  ";
      if (right_[c])
        s += std::string(pad, ' ') + cells[c];
      else
        s += cells[c] + (c + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    out << s << "\n";
  };
  line(header_);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows_) line(r);
}

void print_block(std::ostream& out, const std::string& heading,
                 const std::vector<std::pair<std::string, std::string>>& rows) {
  if (!heading.empty()) out << heading << "\n";
  std::size_t w = 0;
  for (const auto& [k, v] : rows) w = std::max(w, k.size());
  for (const auto& [k, v] : rows)
    out << "  " << std::left << std::setw(static_cast<int>(w)) << k << "  " << v << "\n";
}

nlohmann::json model_json(const costmodel::Model& m) {
  nlohmann::json j = nlohmann::json::object();
  api::visit_model(m, JsonFields{j});
  return j;
}

nlohmann::json plan_json(const costmodel::Plan& p) {
  nlohmann::json j = nlohmann::json::object();
  api::visit_plan(p, JsonFields{j});
  return j;
}

nlohmann::json evaluation_json(const costmodel::Evaluation& ev) {
  nlohmann::json j = nlohmann::json::object();
  api::visit_evaluation(ev, JsonFields{j});
  return j;
}

nlohmann::json row_json(const grid::Row& row, const std::vector<grid::Column>& columns) {
  nlohmann::json j = nlohmann::json::object();
  for (const grid::Column& c : columns) {
    if (c.type == grid::ColumnType::f64)
      j[c.name] = grid::get_real(row, c);
    else
      j[c.name] = grid::get_integer(row, c);
  }
  return j;
}

void print_model(std::ostream& out, const costmodel::Model& m) {
  print_block(
      out, "Model",
      {{"d_model x d_ff", std::to_string(m.d_model) + " x " + std::to_string(m.d_ff)},
       {"layers", std::to_string(m.layers)},
       {"experts", std::to_string(m.experts)},
       {"batch", std::to_string(m.batch_seqs) + " sequences of " + std::to_string(m.seq_len) + " tokens"},
       {"parameters", sci(m.params())},
       {"training tokens", sci(m.tokens())},
       {"training compute", sci(m.compute_flop()) + " FLOP"}});
}

void print_plan(std::ostream& out, const costmodel::Plan& p) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const auto kind = static_cast<Kind>(k);
    rows.emplace_back(kind_name(kind),
                      std::to_string(p.total(kind)) + "  (per level " + levels(p, kind) + ")");
  }
  rows.emplace_back("gpus", count(p.gpus()));
  rows.emplace_back("microbatches", std::to_string(p.microbatches));
  rows.emplace_back("interleave", std::to_string(p.interleave));
  rows.emplace_back("zero-bubble", p.zero_bubble ? "yes" : "no");
  rows.emplace_back("overlap tp/dp/pp", std::string(p.overlap_tp ? "1" : "0") + "/" +
                                            (p.overlap_dp ? "1" : "0") + "/" + (p.overlap_pp ? "1" : "0"));
  print_block(out, "Plan (levels listed from inside a node outwards)", rows);
}

void print_evaluation(std::ostream& out, const costmodel::Evaluation& ev) {
  const auto pair = [](double step, double run) {
    return duration(step) + " per step, " + duration(run) + " per run";
  };
  print_block(out, "Time",
              {{"utilization", fixed(ev.utilization, 4) + " of peak"},
               {"run time", duration(ev.run_s) + " (" + sci(ev.run_s) + " s, " +
                                fixed(ev.run_s / search::kSecondsPerYear, 4) + " years)"},
               {"step time", duration(ev.step_s) + " over " + sci(ev.steps) + " steps"},
               {"ideal step", duration(ev.ideal_step_s)},
               {"matmul", duration(ev.matmul_s) + " per step"},
               {"bubble", fixed(100 * ev.bubble_fraction, 2) + " % of the pipeline"},
               {"pipeline", duration(ev.pipeline_s) + " per step"},
               {"overlapped comm", duration(ev.overlapped_comm_s) + " per step"},
               {"exposed comm", duration(ev.exposed_comm_s) + " per step"}});
  print_block(out, "Network",
              {{"TP comm", pair(ev.net.tp_comm_s, ev.run_tp_comm_s)},
               {"DP comm", pair(ev.net.dp_comm_s, ev.run_dp_comm_s)},
               {"PP/EP comm", pair(ev.net.pp_ep_comm_s, ev.run_pp_ep_comm_s)},
               {"TP latency", duration(ev.net.tp_latency_s) + " per step"},
               {"DP latency", duration(ev.net.dp_latency_s) + " per step"},
               {"PP/EP latency", duration(ev.net.pp_ep_latency_s) + " per step"},
               {"latency total", duration(ev.run_latency_s) + " per run"}});
  print_block(out, "Memory",
              {{"needed", sci(ev.memory_used_bytes) + " B (parameters per DP replica + optimizer state)"},
               {"available", sci(ev.memory_limit_bytes) + " B"},
               {"fits", ev.status == costmodel::Status::memory ? "NO" : "yes"}});
}

}  // namespace llmsweep::cli
