#include "costmodel/hardware.hpp"

#include <algorithm>
#include <cmath>

namespace llmsweep::costmodel {

Machine make_machine(const Hardware& hw) {
  Machine m;
  m.hw = hw;
  m.word_bytes = hw.bits / 8.0;
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
  return flat;
}

namespace {

bool positive(double x) { return x > 0 && !std::isnan(x); }
bool finite_positive(double x) { return positive(x) && std::isfinite(x); }

}  // namespace

std::string validate_hardware(const Hardware& hw) {
  if (hw.name.empty()) return "name must not be empty";
  if (hw.bits <= 0 || hw.bits % 8 != 0) return "bits must be a positive multiple of 8";
  if (!finite_positive(hw.flop_per_clock_per_thread)) return "flop_per_clock_per_thread must be > 0";
  if (!finite_positive(hw.register_bytes_per_block)) return "register_bytes_per_block must be > 0";
  if (hw.sms <= 0) return "sms must be > 0";
  if (!positive(hw.l2_bandwidth_Bps)) return "L2 bandwidth must be > 0";
  if (!finite_positive(hw.l2_bytes)) return "L2 size must be > 0";
  if (!positive(hw.hbm_bandwidth_Bps)) return "HBM bandwidth must be > 0";
  if (!finite_positive(hw.max_clock_hz)) return "max clock must be > 0";
  if (!(hw.utilization_cap > 0 && hw.utilization_cap <= 1)) return "utilization_cap must be in (0, 1]";
  if (!finite_positive(hw.memory_bytes)) return "memory must be > 0";
  if (!(hw.kernel_latency_s >= 0 && std::isfinite(hw.kernel_latency_s))) return "kernel latency must be >= 0";
  const std::size_t levels = hw.level_sizes.size() + 1;
  if (levels > static_cast<std::size_t>(kMaxLevels))
    return "at most " + std::to_string(kMaxLevels - 1) + " level_sizes are supported";
  if (hw.link_bandwidth_Bps.size() != levels)
    return "link bandwidth needs one entry per network level (level_sizes + 1 = " +
           std::to_string(levels) + "), got " + std::to_string(hw.link_bandwidth_Bps.size());
  if (hw.link_latency_s.size() != levels)
    return "link latency needs one entry per network level (level_sizes + 1 = " +
           std::to_string(levels) + "), got " + std::to_string(hw.link_latency_s.size());
  for (std::int64_t s : hw.level_sizes)
    if (s < 2) return "every level size must be >= 2";
  for (double b : hw.link_bandwidth_Bps)
    if (!positive(b)) return "every link bandwidth must be > 0";
  for (double l : hw.link_latency_s)
    if (!(l >= 0 && std::isfinite(l))) return "every link latency must be >= 0";
  return {};
}

}  // namespace llmsweep::costmodel
