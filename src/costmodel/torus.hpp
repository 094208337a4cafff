// Torus network levels (docs/MODEL-EXTENDED.md E3): where each kind of parallelism sits on the
// torus dimensions, and what its collectives cost as rings along them.
#pragma once

#include <array>
#include <cstdint>

#include "costmodel/hardware.hpp"
#include "costmodel/plan.hpp"

namespace llmsweep::costmodel {

// One kind's group at the torus level: its extent along each dimension. A degree that does not
// factor into the dimensions left to it is laid out as one ring snaking through its nodes
// (`snake`), which uses one dimension's two links.
struct TorusGroup {
  std::int64_t peers = 1;
  std::array<std::int64_t, 3> extent{1, 1, 1};
  bool snake = false;
  int dims_spanned() const;         // dimensions with extent > 1 (1 for a snake)
  std::int64_t ring_steps() const;  // sum over dimensions of (extent - 1); peers - 1 for a snake
};

// The groups of every kind at `level`, placed in the order TPm, TPf, EP, PP, DP (the most
// communication-intensive first), each taking from every dimension the largest divisor of what
// is left of it.
std::array<TorusGroup, kKinds> place_on_torus(const Hardware& hw, const Plan& plan, int level);

// One-way bandwidth of one torus link: the level's per-GPU bidirectional bandwidth spread over
// 2 links per dimension, 2 directions each.
double torus_link_Bps(const Hardware& hw, int level);

// Effective one-way per-GPU bandwidth and hop count of the collectives (see MODEL-EXTENDED.md):
//   all-reduce: 2 x dims_spanned links, 2 x ring_steps hops;
//   pipeline neighbour: 1 link, 1 hop;
//   all-to-all (experts): 2 x dims_spanned links divided by the mean hop distance, diameter hops.
double torus_all_reduce_Bps(const Hardware& hw, int level, const TorusGroup& g);
double torus_all_reduce_hops(const TorusGroup& g);
double torus_all_to_all_Bps(const Hardware& hw, int level, const TorusGroup& g);
double torus_all_to_all_hops(const TorusGroup& g);

}  // namespace llmsweep::costmodel
