// The H100 SXM profile of MODEL.md section 1, built by hand (no TOML, no files), for tests of
// the pure layers: the cost model and search unit tests and the purity programs, which may use
// nothing but src/ and the standard library.
#pragma once

#include "costmodel/hardware.hpp"

namespace llmsweep::test {

inline costmodel::Hardware model_md_h100_sxm() {
  costmodel::Hardware hw;
  hw.name = "H100 SXM";
  hw.bits = 16;
  hw.flop_per_clock_per_thread = 32;
  hw.register_bytes_per_block = 65536;
  hw.sms = 132;
  hw.l2_bandwidth_Bps = 6441e9;
  hw.l2_bytes = 50 * 1048576.0;
  hw.hbm_bandwidth_Bps = 3352e9;
  hw.max_clock_hz = 1830e6;
  hw.utilization_cap = 0.70;
  hw.dsmem = true;
  hw.memory_bytes = 8e10;
  hw.kernel_latency_s = 4.5e-6;
  hw.level_sizes = {8};
  hw.link_bandwidth_Bps = {9e11, 1e11};
  hw.link_latency_s = {1.125e-6, 1.125e-6};
  return hw;
}

}  // namespace llmsweep::test
