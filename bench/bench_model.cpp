// bench_model: single-threaded timings of the cost model and the plan search.
//
//   bench_model [repeats]      (default 7; the frontier times are medians over the repeats)
//
// Prints the time of the H100 SXM and H100 SXM Superpod dense frontiers (MODEL.md section 9 with
// the default laws), the plan evaluations per second inside those frontier searches (counted by
// PlanSearch::evaluations()), and a tight loop of costmodel::network_times + combine, and of
// the whole costmodel::evaluate, over varied plans.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/hardware_config.hpp"
#include "costmodel/evaluate.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"
#include "search/frontier.hpp"
#include "search/policy.hpp"

namespace {

using namespace llmsweep;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

costmodel::Machine machine(const std::string& stem) {
  return costmodel::make_machine(config::resolve_profile(stem, LLMSWEEP_BENCH_PROFILE_DIR).hardware);
}

// The frontier's own walk (search::frontier), with one PlanSearch per width kept so that its
// evaluations can be counted.
struct CountedFrontier {
  std::uint64_t evaluations = 0;
  std::size_t rows = 0;
  double seconds = 0;
};

CountedFrontier counted_frontier(const costmodel::Machine& mc) {
  const search::FrontierSpec spec;
  const double max_run_s = search::max_run_seconds(spec.run_months);
  CountedFrontier out;
  search::FrontierWalk walk;  // the frontier's own stop rule
  const Clock::time_point start = Clock::now();
  for (std::int64_t width : spec.widths) {
    const costmodel::Model model = search::model_for_width(width, spec.policy);
    search::PlanSearch ps(mc, model, spec.search);
    const search::ClusterResult r = search::smallest_cluster(ps, mc, model, max_run_s);
    out.evaluations += ps.evaluations();
    if (!r.found() || !walk.add({model, model.compute_flop(), r, std::nullopt})) break;
  }
  out.rows = walk.rows().size();
  out.seconds = seconds_since(start);
  return out;
}

void bench_frontier(const std::string& stem, int repeats, double target_s) {
  const costmodel::Machine mc = machine(stem);
  std::vector<double> times;
  search::Frontier f;
  for (int i = 0; i < repeats; ++i) {
    const Clock::time_point start = Clock::now();
    f = search::frontier(mc, search::FrontierSpec{});
    times.push_back(seconds_since(start));
  }
  const double t = median(times);
  std::printf("%s dense frontier: %.3f s", stem.c_str(), t);
  if (target_s > 0) std::printf(" (target <= %.1f s: %s)", target_s, t <= target_s ? "met" : "MISSED");
  std::printf(
      "  [median of %d, min %.3f s, max %.3f s; %zu rows, linear scaling ends %.4g FLOP, largest %.4g "
      "FLOP]\n",
      repeats, *std::min_element(times.begin(), times.end()), *std::max_element(times.begin(), times.end()),
      f.rows.size(), f.thresholds.linear_scaling_ends_flop.value_or(0),
      f.thresholds.largest_feasible_flop.value_or(0));
  std::vector<double> eval_rates;
  CountedFrontier c;
  for (int i = 0; i < repeats; ++i) {
    c = counted_frontier(mc);
    eval_rates.push_back(static_cast<double>(c.evaluations) / c.seconds);
  }
  std::printf(
      "%s frontier plan evaluations: %llu in %zu rows, %.3g evaluations/s (median; search overhead "
      "included)\n",
      stem.c_str(), static_cast<unsigned long long>(c.evaluations), c.rows, median(eval_rates));
}

// One model with a plan and its step matmul time, for the tight loops.
struct Case {
  costmodel::Model model;
  costmodel::Plan plan;
  double matmul_s;
};

// The best plans of the frontier rows, each with its overlap flags, zero-bubble flag and
// microbatch count varied, so the loops do not see one plan over and over.
std::vector<Case> varied_cases(const costmodel::Machine& mc) {
  std::vector<Case> out;
  for (const search::FrontierRow& row : search::frontier(mc, search::FrontierSpec{}).rows) {
    for (int variant = 0; variant < 16; ++variant) {
      costmodel::Plan p = row.result.plan;
      p.overlap_tp = (variant & 1) != 0;
      p.overlap_dp = (variant & 2) != 0;
      p.overlap_pp = (variant & 4) != 0;
      if ((variant & 8) != 0) {
        p.zero_bubble = !p.zero_bubble;
        p.microbatches = std::max<std::int64_t>(1, p.microbatches / 2);
      }
      out.push_back({row.model, p, costmodel::step_matmul_time(mc, row.model, p)});
    }
  }
  return out;
}

template <class Fn>
double rate(const std::vector<Case>& cases, double min_seconds, Fn&& fn) {
  double sink = 0;
  std::uint64_t count = 0;
  const Clock::time_point start = Clock::now();
  double elapsed = 0;
  do {
    for (const Case& c : cases) sink += fn(c);
    count += cases.size();
    elapsed = seconds_since(start);
  } while (elapsed < min_seconds);
  if (sink == 42) std::printf(" ");  // keeps the work observable
  return static_cast<double>(count) / elapsed;
}

void bench_tight_loops(const std::string& stem) {
  const costmodel::Machine mc = machine(stem);
  const std::vector<Case> cases = varied_cases(mc);
  const costmodel::Options options;
  const double combine_rate = rate(cases, 0.5, [&](const Case& c) {
    const costmodel::NetworkTimes net = costmodel::network_times(mc, c.model, c.plan, c.plan.gpus());
    return costmodel::combine(mc, c.model, c.plan, c.matmul_s, net, options).run_s;
  });
  std::printf("%s network_times + combine: %.3g evaluations/s over %zu varied plans\n", stem.c_str(),
              combine_rate, cases.size());
  const double evaluate_rate = rate(
      cases, 0.5, [&](const Case& c) { return costmodel::evaluate(mc, c.model, c.plan, options).run_s; });
  std::printf("%s evaluate (matmul times recomputed): %.3g evaluations/s\n", stem.c_str(), evaluate_rate);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  std::printf("bench_model: single-threaded, %d repeats\n", repeats);
  bench_frontier("h100-sxm", repeats, 0.1);
  bench_frontier("h100-sxm-superpod", repeats, 0);
  bench_tight_loops("h100-sxm");
  bench_tight_loops("h100-sxm-superpod");
  return 0;
}
