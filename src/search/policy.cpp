#include "search/policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

namespace llmsweep::search {
namespace {

const std::vector<std::int64_t>& q_set() {
  static const std::vector<std::int64_t> q = [] {
    std::set<std::int64_t> s;
    for (std::int64_t f : {1, 3, 5, 7, 9})
      for (int i = 0; i < 60; ++i) s.insert(f << i);
    return std::vector<std::int64_t>(s.begin(), s.end());
  }();
  return q;
}

constexpr double kDepthCoefficient = 0.10056;
constexpr double kDepthExponent = 0.3751;
constexpr double kTwoTo22 = 4194304.0;
// Step Law's optimal batch in tokens, 0.58 D^0.571 (Li et al. 2025, arXiv 2503.04715).
constexpr double kStepLawCoefficient = 0.58;
constexpr double kStepLawExponent = 0.571;

}  // namespace

std::int64_t closest(double x) {
  const auto& q = q_set();
  // First element >= x; the answer is it or its predecessor.
  auto it = std::lower_bound(q.begin(), q.end(), x,
                             [](std::int64_t e, double v) { return static_cast<double>(e) < v; });
  if (it == q.end()) return q.back();
  if (it == q.begin()) return *it;
  const std::int64_t above = *it;
  const std::int64_t below = *(it - 1);
  return (static_cast<double>(above) - x < x - static_cast<double>(below)) ? above : below;
}

std::int64_t depth_for(std::int64_t d_model, std::int64_t d_ff, const DepthLaw& law) {
  const double area = static_cast<double>(d_model) * static_cast<double>(d_ff);
  if (!law.exponent) return closest(law.multiplier * (kDepthCoefficient * std::pow(area, kDepthExponent)));
  const double anchor = static_cast<double>(kPaperMinWidth) * static_cast<double>(4 * kPaperMinWidth);
  const double at_anchor = kDepthCoefficient * std::pow(anchor, kDepthExponent);
  return closest(law.multiplier * at_anchor * std::pow(area / anchor, *law.exponent));
}

std::int64_t experts_for(std::int64_t d_model, std::int64_t d_ff, ExpertsPolicy policy) {
  if (policy == ExpertsPolicy::dense) return 1;
  const double area = static_cast<double>(d_model) * static_cast<double>(d_ff);
  return closest(8 * std::sqrt(area / (4.0 * 12288.0 * 12288.0)));
}

namespace {

// experts * per_expert, saturating at INT64_MAX (a batch that large fails validate_model).
std::int64_t times_experts(std::int64_t experts, std::int64_t per_expert) {
  if (experts > 0 && per_expert > std::numeric_limits<std::int64_t>::max() / experts)
    return std::numeric_limits<std::int64_t>::max();
  return experts * per_expert;
}

// floor(x) as an integer, saturating (x >= 0).
std::int64_t floor_to_int(double x) {
  if (!(x < 9.2e18)) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(std::floor(x));
}

}  // namespace

std::int64_t batch_for(double compute_flop, std::int64_t experts, std::int64_t seq_len, const BatchLaw& law) {
  const double e = static_cast<double>(experts);
  const double s = static_cast<double>(seq_len);
  switch (law.policy) {
    case BatchPolicy::none:
      if (law.multiplier == 1) return static_cast<std::int64_t>(4194304) / seq_len;
      return std::max<std::int64_t>(1, floor_to_int(law.multiplier * kTwoTo22 / s));
    case BatchPolicy::deepseek:
      return times_experts(experts, closest(law.multiplier * (std::sqrt(e) * 0.2920 *
                                                              std::pow(compute_flop, 0.3271) / s / e)));
    case BatchPolicy::default_law:
      return times_experts(
          experts, closest(law.multiplier *
                           (std::sqrt(e) * std::pow(compute_flop / 3e23, 1.0 / 6.0) * kTwoTo22 / s / e)));
    case BatchPolicy::power:
      return times_experts(
          experts, closest(law.multiplier *
                           (std::sqrt(e) * std::pow(compute_flop / 3e23, law.exponent) * kTwoTo22 / s / e)));
    case BatchPolicy::step_law:
      return times_experts(
          experts,
          closest(law.multiplier * (kStepLawCoefficient *
                                    std::pow(std::sqrt(compute_flop * e / 0.3), kStepLawExponent) / s / e)));
  }
  return 0;
}

std::string_view batch_policy_name(BatchPolicy p) {
  switch (p) {
    case BatchPolicy::default_law:
      return "default";
    case BatchPolicy::deepseek:
      return "deepseek";
    case BatchPolicy::none:
      return "none";
    case BatchPolicy::power:
      return "power";
    case BatchPolicy::step_law:
      return "step-law";
  }
  return "?";
}

std::optional<BatchPolicy> batch_policy_from_name(std::string_view name) {
  for (BatchPolicy p : {BatchPolicy::default_law, BatchPolicy::deepseek, BatchPolicy::none,
                        BatchPolicy::power, BatchPolicy::step_law})
    if (batch_policy_name(p) == name) return p;
  return std::nullopt;
}

std::string_view experts_policy_name(ExpertsPolicy p) {
  return p == ExpertsPolicy::dense ? "dense" : "sparse";
}

std::optional<ExpertsPolicy> experts_policy_from_name(std::string_view name) {
  if (name == "dense") return ExpertsPolicy::dense;
  if (name == "sparse" || name == "width-scaled") return ExpertsPolicy::width_scaled;
  return std::nullopt;
}

std::vector<std::int64_t> paper_widths(std::int64_t lo, std::int64_t hi) {
  std::set<std::int64_t> s;
  for (std::int64_t f = 1; f <= 15; f += 2)
    for (int i = 11; i <= 21; ++i) {
      const std::int64_t w = f << i;
      if (w >= lo && w <= hi) s.insert(w);
    }
  return {s.begin(), s.end()};
}

std::int64_t ff_for(std::int64_t d_model, double ff_ratio) {
  const double f = ff_ratio * static_cast<double>(d_model);
  // Past 2^62 (or NaN) the width is far beyond what validate_model accepts: saturate rather than
  // let llround overflow.
  if (!(f < 4.6e18)) return std::int64_t{1} << 62;
  if (f < 0) return 0;
  return static_cast<std::int64_t>(std::llround(f));
}

costmodel::Model model_for_width(std::int64_t d_model, const ScalingPolicy& policy) {
  costmodel::Model m;
  m.d_model = d_model;
  m.d_ff = ff_for(d_model, policy.ff_ratio);
  m.layers = depth_for(m.d_model, m.d_ff, policy.depth);
  m.experts = experts_for(m.d_model, m.d_ff, policy.experts);
  m.seq_len = policy.seq_len;
  m.batch_seqs = 1;
  m.batch_seqs = batch_for(m.compute_flop(), m.experts, m.seq_len, policy.batch);
  return m;
}

}  // namespace llmsweep::search
