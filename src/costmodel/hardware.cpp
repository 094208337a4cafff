#include "costmodel/hardware.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace llmsweep::costmodel {

Machine make_machine(const Hardware& hw) {
  Machine m;
  m.hw = hw;
  m.word_bytes = hw.bits / 8.0;
  if (hw.engine == MatmulEngine::systolic) {
    // E4: the peak is given, not built from SMs and clock; the SM quantities stay 0.
    m.peak_flops = hw.systolic_peak_flops;
    m.flops = hw.systolic_peak_flops * hw.utilization_cap;
    return m;
  }
  m.reg_bytes = 0.75 * hw.register_bytes_per_block;
  m.l2_cap_bytes = 0.75 * hw.l2_bytes;
  m.clock_hz = hw.max_clock_hz * hw.utilization_cap;
  m.smem_Bps = 128.0 * static_cast<double>(hw.sms) * m.clock_hz;
  m.flops = hw.flop_per_clock_per_thread * 128.0 * static_cast<double>(hw.sms) * m.clock_hz;
  m.peak_flops = hw.flop_per_clock_per_thread * 128.0 * static_cast<double>(hw.sms) * hw.max_clock_hz;
  return m;
}

Hardware flatten(const Hardware& hw) {
  Hardware flat = hw;
  flat.level_sizes.clear();
  double bandwidth = 0;
  for (double b : hw.link_bandwidth_Bps) bandwidth += b;
  flat.link_bandwidth_Bps = {bandwidth};
  flat.link_latency_s = {*std::min_element(hw.link_latency_s.begin(), hw.link_latency_s.end())};
  flat.topology.clear();  // one switched level
  flat.torus_dims.clear();
  return flat;
}

std::string extended_requirement(const Hardware& hw) {
  if (hw.engine == MatmulEngine::systolic) return "its matmul engine is systolic (MODEL-EXTENDED.md E4)";
  for (int l = 0; l < hw.levels(); ++l)
    if (hw.topology_of(l) == Topology::torus)
      return "network level " + std::to_string(l) + " is a torus (MODEL-EXTENDED.md E3)";
  return {};
}

bool has_extended_terms(const Hardware& hw) {
  return !extended_requirement(hw).empty() || hw.tensor_memory_bytes > 0;
}

namespace {

// > 0 and at most kMaxSiValue; `infinite_ok` also lets +inf through (an unlimited bandwidth).
bool sized(double x, bool infinite_ok = false) {
  if (infinite_ok && x == std::numeric_limits<double>::infinity()) return true;
  return x > 0 && x <= kMaxSiValue;
}
// >= 0 and at most kMaxSiValue (latencies).
bool non_negative(double x) {
  return x >= 0 && x <= kMaxSiValue;
}

const std::string kSized = "must be > 0 and at most 1e30 (in SI units)";
const std::string kBandwidth = "must be > 0 and at most 1e30 B/s, or inf";
const std::string kLatency = "must be >= 0 and at most 1e30 s";

std::optional<HardwareProblem> check_compute(const Hardware& hw) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<HardwareProblem>(HardwareProblem{field, std::move(message)});
  };
  if (hw.engine == MatmulEngine::systolic) {
    if (!sized(hw.systolic_peak_flops)) return problem("systolic_peak_flops", kSized);
    if (!sized(hw.onchip_memory_bytes)) return problem("onchip_memory", kSized);
    if (hw.systolic_array_dim < 1 || hw.systolic_array_dim > 65536)
      return problem("systolic_array_dim", "must be in 1..65536");
    if (!sized(hw.hbm_bandwidth_Bps, true)) return problem("hbm_bandwidth", kBandwidth);
    return std::nullopt;
  }
  if (!sized(hw.flop_per_clock_per_thread)) return problem("flop_per_clock_per_thread", kSized);
  if (!sized(hw.register_bytes_per_block)) return problem("register_bytes_per_block", kSized);
  if (hw.sms < 1 || hw.sms > kMaxSms) return problem("sms", "must be from 1 to " + std::to_string(kMaxSms));
  if (!sized(hw.l2_bandwidth_Bps, true)) return problem("l2_bandwidth", kBandwidth);
  if (!sized(hw.l2_bytes)) return problem("l2_bytes", kSized);
  if (!sized(hw.hbm_bandwidth_Bps, true)) return problem("hbm_bandwidth", kBandwidth);
  if (!sized(hw.max_clock_hz)) return problem("max_clock", kSized);
  if (!(hw.tensor_memory_bytes == 0 || sized(hw.tensor_memory_bytes)))
    return problem("tensor_memory", "must be >= 0 and at most 1e30 bytes");
  if (hw.cta_pair_mma && !(hw.tensor_memory_bytes > 0))
    return problem("cta_pair_mma", "needs tensor_memory_KiB (CTA-pair MMAs accumulate in tensor memory)");
  if (hw.cta_pair_mma && hw.sms % 2 != 0) return problem("cta_pair_mma", "needs an even number of SMs");
  return std::nullopt;
}

std::optional<HardwareProblem> check_network(const Hardware& hw) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<HardwareProblem>(HardwareProblem{field, std::move(message)});
  };
  const std::size_t levels = hw.level_sizes.size() + 1;
  if (levels > static_cast<std::size_t>(kMaxLevels))
    return problem("level_sizes",
                   "at most " + std::to_string(kMaxLevels - 1) + " levels below the top are supported");
  std::int64_t below_top = 1;
  for (std::int64_t s : hw.level_sizes) {
    if (s < 2 || s > kMaxLevelSize)
      return problem("level_sizes", "every level size must be from 2 to " + std::to_string(kMaxLevelSize) +
                                        ", got " + std::to_string(s));
    below_top *= s;  // <= 2^32 * 2^16 before the check below stops the loop
    if (below_top > kMaxGpusBelowTop)
      return problem("level_sizes",
                     "the level sizes multiply to more than " + std::to_string(kMaxGpusBelowTop) + " GPUs");
  }
  if (hw.link_bandwidth_Bps.size() != levels)
    return problem("link_bandwidth",
                   "needs one entry per network level (level_sizes + 1 = " + std::to_string(levels) +
                       "), got " + std::to_string(hw.link_bandwidth_Bps.size()));
  if (hw.link_latency_s.size() != levels)
    return problem("link_latency",
                   "needs one entry per network level (level_sizes + 1 = " + std::to_string(levels) +
                       "), got " + std::to_string(hw.link_latency_s.size()));
  for (double b : hw.link_bandwidth_Bps)
    if (!sized(b, true)) return problem("link_bandwidth", "every link bandwidth " + kBandwidth);
  for (double l : hw.link_latency_s)
    if (!non_negative(l)) return problem("link_latency", "every link latency " + kLatency);
  return std::nullopt;
}

std::optional<HardwareProblem> check_topology(const Hardware& hw) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<HardwareProblem>(HardwareProblem{field, std::move(message)});
  };
  if (!hw.topology.empty() && hw.topology.size() != static_cast<std::size_t>(hw.levels()))
    return problem("topology", "needs one entry per network level (" + std::to_string(hw.levels()) +
                                   "), got " + std::to_string(hw.topology.size()));
  int torus_level = -1;
  for (int l = 0; l < hw.levels(); ++l) {
    if (hw.topology_of(l) != Topology::torus) continue;
    if (torus_level >= 0) return problem("topology", "at most one level may be a torus");
    torus_level = l;
  }
  if (torus_level < 0) {
    if (!hw.torus_dims.empty()) return problem("torus_dims", "given but no level is a torus");
    return std::nullopt;
  }
  if (torus_level == hw.levels() - 1)
    return problem("topology",
                   "the top level is unbounded and cannot be a torus; give the torus a level size");
  if (hw.torus_dims.empty() || hw.torus_dims.size() > 3)
    return problem("torus_dims", "a torus has 1 to 3 dimensions");
  std::int64_t product = 1;
  for (std::int64_t d : hw.torus_dims) {
    if (d < 2 || d > (std::int64_t{1} << 20))
      return problem("torus_dims", "every dimension must be in 2..2^20");
    product *= d;
  }
  // The torus holds this level's GPUs: the lower levels' domains are its nodes.
  const std::int64_t size = hw.level_sizes[static_cast<std::size_t>(torus_level)];
  if (product != size)
    return problem("torus_dims", "the dimensions multiply to " + std::to_string(product) +
                                     ", not the level's " + std::to_string(size) + " nodes");
  return std::nullopt;
}

}  // namespace

std::optional<HardwareProblem> check_hardware(const Hardware& hw) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<HardwareProblem>(HardwareProblem{field, std::move(message)});
  };
  if (hw.name.empty()) return problem("name", "must not be empty");
  if (hw.bits < 8 || hw.bits > kMaxBits || hw.bits % 8 != 0)
    return problem("bits", "must be a multiple of 8 from 8 to " + std::to_string(kMaxBits));
  if (auto p = check_compute(hw)) return p;
  if (!(hw.utilization_cap > 0 && hw.utilization_cap <= 1))
    return problem("utilization_cap", "must be in (0, 1]");
  if (!sized(hw.memory_bytes)) return problem("memory", kSized);
  if (!non_negative(hw.kernel_latency_s)) return problem("kernel_latency", kLatency);
  if (auto p = check_network(hw)) return p;
  return check_topology(hw);
}

std::string validate_hardware(const Hardware& hw) {
  const auto p = check_hardware(hw);
  return p ? p->field + " " + p->message : std::string();
}

}  // namespace llmsweep::costmodel
