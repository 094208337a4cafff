#include "costmodel/hardware.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

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

bool positive(double x) {
  return x > 0 && !std::isnan(x);
}
bool finite_positive(double x) {
  return positive(x) && std::isfinite(x);
}

}  // namespace

std::optional<HardwareProblem> check_hardware(const Hardware& hw) {
  const auto problem = [](const char* field, std::string message) {
    return std::optional<HardwareProblem>(HardwareProblem{field, std::move(message)});
  };
  if (hw.name.empty()) return problem("name", "must not be empty");
  if (hw.bits <= 0 || hw.bits % 8 != 0) return problem("bits", "must be a positive multiple of 8");
  if (!finite_positive(hw.flop_per_clock_per_thread))
    return problem("flop_per_clock_per_thread", "must be > 0");
  if (!finite_positive(hw.register_bytes_per_block))
    return problem("register_bytes_per_block", "must be > 0");
  if (hw.sms <= 0) return problem("sms", "must be > 0");
  if (!positive(hw.l2_bandwidth_Bps)) return problem("l2_bandwidth", "must be > 0");
  if (!finite_positive(hw.l2_bytes)) return problem("l2_bytes", "must be > 0");
  if (!positive(hw.hbm_bandwidth_Bps)) return problem("hbm_bandwidth", "must be > 0");
  if (!finite_positive(hw.max_clock_hz)) return problem("max_clock", "must be > 0");
  if (!(hw.utilization_cap > 0 && hw.utilization_cap <= 1))
    return problem("utilization_cap", "must be in (0, 1]");
  if (!finite_positive(hw.memory_bytes)) return problem("memory", "must be > 0");
  if (!(hw.kernel_latency_s >= 0 && std::isfinite(hw.kernel_latency_s)))
    return problem("kernel_latency", "must be >= 0");
  const std::size_t levels = hw.level_sizes.size() + 1;
  if (levels > static_cast<std::size_t>(kMaxLevels))
    return problem("level_sizes",
                   "at most " + std::to_string(kMaxLevels - 1) + " levels below the top are supported");
  for (std::int64_t s : hw.level_sizes)
    if (s < 2) return problem("level_sizes", "every level size must be >= 2, got " + std::to_string(s));
  if (hw.link_bandwidth_Bps.size() != levels)
    return problem("link_bandwidth",
                   "needs one entry per network level (level_sizes + 1 = " + std::to_string(levels) +
                       "), got " + std::to_string(hw.link_bandwidth_Bps.size()));
  if (hw.link_latency_s.size() != levels)
    return problem("link_latency",
                   "needs one entry per network level (level_sizes + 1 = " + std::to_string(levels) +
                       "), got " + std::to_string(hw.link_latency_s.size()));
  for (double b : hw.link_bandwidth_Bps)
    if (!positive(b)) return problem("link_bandwidth", "every link bandwidth must be > 0");
  for (double l : hw.link_latency_s)
    if (!(l >= 0 && std::isfinite(l))) return problem("link_latency", "every link latency must be >= 0");
  return std::nullopt;
}

std::string validate_hardware(const Hardware& hw) {
  const auto p = check_hardware(hw);
  return p ? p->field + " " + p->message : std::string();
}

}  // namespace llmsweep::costmodel
