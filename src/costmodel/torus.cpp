#include "costmodel/torus.hpp"

#include <numeric>

namespace llmsweep::costmodel {
namespace {

// Mean shortest distance from a node of a ring of n (with wrap-around) to every node, itself
// included: sum_k min(k, n - k) / n for k = 0..n-1 (n/4 for even n).
double ring_mean_distance(std::int64_t n) {
  if (n <= 1) return 0;
  double sum = 0;
  for (std::int64_t k = 0; k < n; ++k) sum += static_cast<double>(std::min(k, n - k));
  return sum / static_cast<double>(n);
}

}  // namespace

int TorusGroup::dims_spanned() const {
  if (snake) return 1;
  int n = 0;
  for (std::int64_t e : extent) n += e > 1 ? 1 : 0;
  return n;
}

std::int64_t TorusGroup::ring_steps() const {
  if (snake) return peers - 1;
  std::int64_t s = 0;
  for (std::int64_t e : extent) s += e - 1;
  return s;
}

std::array<TorusGroup, kKinds> place_on_torus(const Hardware& hw, const Plan& plan, int level) {
  std::array<std::int64_t, 3> left{1, 1, 1};
  for (std::size_t i = 0; i < hw.torus_dims.size() && i < 3; ++i) left[i] = hw.torus_dims[i];
  std::array<TorusGroup, kKinds> out{};
  for (Kind kind : {Kind::tp_model, Kind::tp_ff, Kind::ep, Kind::pp, Kind::dp}) {
    TorusGroup& g = out[static_cast<std::size_t>(kind)];
    g.peers = plan.at(kind, level);
    std::int64_t rest = g.peers;
    std::array<std::int64_t, 3> taken{1, 1, 1};
    for (std::size_t i = 0; i < 3; ++i) {
      taken[i] = std::gcd(rest, left[i]);
      rest /= taken[i];
    }
    if (rest == 1) {
      g.extent = taken;
      for (std::size_t i = 0; i < 3; ++i) left[i] /= taken[i];
    } else {
      g.snake = true;  // not a sub-torus: one ring through its nodes, dimensions left as they were
    }
  }
  return out;
}

double torus_link_Bps(const Hardware& hw, int level) {
  const double dims = static_cast<double>(hw.torus_dims.size());
  return hw.link_bandwidth_Bps[static_cast<std::size_t>(level)] / (4 * dims);
}

double torus_all_reduce_Bps(const Hardware& hw, int level, const TorusGroup& g) {
  return 2.0 * std::max(1, g.dims_spanned()) * torus_link_Bps(hw, level);
}

double torus_all_reduce_hops(const TorusGroup& g) {
  return 2.0 * static_cast<double>(g.ring_steps());
}

double torus_all_to_all_Bps(const Hardware& hw, int level, const TorusGroup& g) {
  // Mean hop distance between two distinct nodes of the group: per dimension the mean with the
  // node itself included adds up, then N / (N - 1) leaves the node itself out.
  double mean = 0;
  std::int64_t nodes = g.peers;
  if (g.snake) {
    mean = ring_mean_distance(g.peers);
  } else {
    for (std::int64_t e : g.extent) mean += ring_mean_distance(e);
  }
  const double links = 2.0 * std::max(1, g.dims_spanned()) * torus_link_Bps(hw, level);
  if (nodes <= 1 || mean <= 0) return links;
  mean *= static_cast<double>(nodes) / static_cast<double>(nodes - 1);
  // Every byte a GPU sends crosses `mean` links on average, so it can send the capacity of its
  // links divided by that.
  return links / mean;
}

double torus_all_to_all_hops(const TorusGroup& g) {
  if (g.snake) return static_cast<double>(g.peers / 2);
  double d = 0;
  for (std::int64_t e : g.extent) d += static_cast<double>(e / 2);
  return d;
}

}  // namespace llmsweep::costmodel
