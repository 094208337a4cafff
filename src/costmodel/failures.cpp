#include "costmodel/failures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmsweep::costmodel {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// phi(x) = -ln(1 - x) - x = sum_{k >= 2} x^k / k, by its series where the closed form would
// cancel (small x).
double phi(double x) {
  if (x >= 0.1) return -std::log1p(-x) - x;
  double power = x * x;
  double sum = 0;
  for (int k = 2; k < 60; ++k) {
    const double term = power / k;
    sum += term;
    if (term <= 1e-18 * sum) break;
    power *= x;
  }
  return sum;
}

}  // namespace

std::string_view recovery_name(Recovery r) {
  switch (r) {
    case Recovery::none:
      return "none";
    case Recovery::storage:
      return "storage";
    case Recovery::peer:
      return "peer";
  }
  return "?";
}

std::optional<Recovery> recovery_from_name(std::string_view name) {
  for (Recovery r : {Recovery::none, Recovery::storage, Recovery::peer})
    if (name == recovery_name(r)) return r;
  return std::nullopt;
}

std::optional<FailureProblem> check_failure_model(const FailureModel& f) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<FailureProblem>(FailureProblem{field, std::move(message)});
  };
  const auto positive = [](double x) { return x > 0 && std::isfinite(x); };
  if (!f.active()) return std::nullopt;
  if (!positive(f.gpu_mtbf_s))
    return problem("mtbf", "must be > 0 and finite, got " + std::to_string(f.gpu_mtbf_s / 3600) + " hours");
  if (!(f.restart_s >= 0 && std::isfinite(f.restart_s)))
    return problem("restart", "must be >= 0 and finite, got " + std::to_string(f.restart_s) + " s");
  if (f.recovery != Recovery::storage) return std::nullopt;
  if (!(f.checkpoint_write_Bps > 0)) return problem("checkpoint_write", "must be > 0");
  if (!(f.checkpoint_read_Bps > 0)) return problem("checkpoint_read", "must be > 0");
  return std::nullopt;
}

double checkpoint_bytes(const Model& model, double word_bytes) {
  return 5 * model.params() * word_bytes;
}

double optimal_interval_fraction(double d) {
  if (!(d > 0)) return 0;
  // phi is increasing and convex on [0, 1): Newton from a point above the root walks down to it.
  // sqrt(2 d) is above it because phi(x) >= x^2 / 2; 1 - e^{-(d + 1)} because phi there is
  // d + 1 - x >= d.
  double x = std::sqrt(2 * d);
  if (!(x < 0.9)) x = -std::expm1(-(d + 1));
  for (int i = 0; i < 200; ++i) {
    const double excess = phi(x) - d;
    if (!(excess > 0)) break;
    const double next = x - excess * (1 - x) / x;
    if (!(next < x)) break;
    x = next;
  }
  return x;
}

double optimal_checkpoint_interval_s(double cluster_mtbf_s, double checkpoint_s) {
  if (!std::isfinite(cluster_mtbf_s)) return kInfinity;
  return cluster_mtbf_s * optimal_interval_fraction(checkpoint_s / cluster_mtbf_s);
}

FailureTimes failure_times(const FailureModel& f, double compute_s, double gpus, double state_bytes,
                           double peer_link_Bps) {
  FailureTimes t;
  t.wall_s = compute_s;
  t.cluster_mtbf_s = kInfinity;
  if (!f.active() || !(compute_s > 0)) return t;
  const double m = f.gpu_mtbf_s / gpus;
  t.cluster_mtbf_s = m;
  if (f.recovery == Recovery::storage) {
    t.checkpoint_write_s = state_bytes / f.checkpoint_write_Bps;
    t.restore_s = state_bytes / f.checkpoint_read_Bps;
  } else {
    // Each GPU copies its share of the state to a peer over its own link, one way.
    t.checkpoint_write_s = state_bytes / gpus / (peer_link_Bps / 2);
    t.restore_s = t.checkpoint_write_s;
  }
  t.recovery_s = f.restart_s + t.restore_s;
  const double lambda = 1 / m;
  const double delta = t.checkpoint_write_s;
  const double er = std::expm1(lambda * t.recovery_s);
  if (!(delta > 0)) {
    // Free checkpoints: tau -> 0, nothing is lost, every failure costs one recovery.
    t.interval_s = 0;
    t.restart_s = compute_s * er;
    t.failures = compute_s * lambda * (er + 1);
  } else {
    t.interval_s = std::min(m * optimal_interval_fraction(delta / m), compute_s);
    const double segments = compute_s / t.interval_s;
    const double a = t.interval_s + delta;
    const double em = std::expm1(lambda * a);
    t.checkpoints = segments;
    t.checkpoint_s = segments * delta;
    if (!std::isfinite(em) || !std::isfinite(er)) {
      t.lost_work_s = kInfinity;
      t.restart_s = t.recovery_s > 0 ? kInfinity : 0;
      t.failures = kInfinity;
    } else {
      t.lost_work_s = std::max(0.0, segments * (em * m - a));
      t.restart_s = segments * em * er * m;
      t.failures = segments * em * (er + 1);
    }
  }
  t.overhead_s = t.checkpoint_s + t.lost_work_s + t.restart_s;
  t.wall_s = compute_s + t.overhead_s;
  return t;
}

double failure_slowdown(const FailureModel& f, double gpus, double state_bytes, double peer_link_Bps) {
  if (!f.active()) return 1;
  const FailureTimes t = failure_times(f, 1, gpus, state_bytes, peer_link_Bps);  // delta, R, M only
  const double lambda = 1 / t.cluster_mtbf_s;
  const double d = lambda * t.checkpoint_write_s;
  const double grow = std::exp(lambda * t.recovery_s);
  if (!(d > 0)) return grow;
  const double x = optimal_interval_fraction(d);
  return grow * std::expm1(x + d) / x;
}

double failure_cap_gpus(const FailureModel& f, double state_bytes, double peer_link_Bps) {
  if (!f.active()) return kInfinity;
  // Golden-section search of ln(slowdown(N) / N) over ln N in [0, 80]: it falls as 1/N while
  // failures are rare and rises without bound once they are not, with one minimum between.
  const auto cost = [&](double log_n) {
    const double n = std::exp(log_n);
    return std::log(failure_slowdown(f, n, state_bytes, peer_link_Bps)) - log_n;
  };
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double lo = 0, hi = 80;
  double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
  double fa = cost(a), fb = cost(b);
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    if (fa < fb || (std::isinf(fa) && std::isinf(fb))) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = cost(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = cost(b);
    }
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace llmsweep::costmodel
