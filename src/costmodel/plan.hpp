// The execution side (MODEL.md section 4): how one run is spread over the cluster.
#pragma once

#include <array>
#include <cstdint>

#include "costmodel/hardware.hpp"

namespace llmsweep::costmodel {

// The five kinds of parallelism, in the order the level partitions enumerate them.
enum class Kind : int { dp = 0, tp_model = 1, tp_ff = 2, pp = 3, ep = 4 };
inline constexpr int kKinds = 5;

using LevelDegrees = std::array<std::int64_t, kMaxLevels>;

struct Plan {
  int levels = 1;  // K + 1, the profile's network levels
  // degree[kind][level]; unused levels stay 1.
  std::array<LevelDegrees, kKinds> degree{};
  std::int64_t microbatches = 1;
  std::int64_t interleave = 1;
  bool zero_bubble = false;
  bool overlap_tp = true;
  bool overlap_dp = false;
  bool overlap_pp = true;

  Plan() {
    for (auto& d : degree) d.fill(1);
  }
  std::int64_t& at(Kind k, int level) { return degree[static_cast<int>(k)][static_cast<std::size_t>(level)]; }
  std::int64_t at(Kind k, int level) const {
    return degree[static_cast<int>(k)][static_cast<std::size_t>(level)];
  }
  std::int64_t total(Kind k) const {
    std::int64_t t = 1;
    for (int l = 0; l < levels; ++l) t *= at(k, l);
    return t;
  }
  // Cluster size as a double: it can pass 2^63 in the cluster search (E * 2^59).
  double gpus() const {
    double n = 1;
    for (int k = 0; k < kKinds; ++k) n *= static_cast<double>(total(static_cast<Kind>(k)));
    return n;
  }
};

const char* kind_name(Kind k);

}  // namespace llmsweep::costmodel
