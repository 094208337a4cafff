// Built from src/costmodel/*.cpp and src/search/*.cpp alone with no libraries (see
// CMakeLists.txt): runs one plan search and exits 0 when it finds golden optimal[0]'s plan.
#include <cmath>
#include <cstdio>

#include "search/best_plan.hpp"

int main() {
  using namespace llmsweep;
  // H100 SXM, MODEL.md section 1.
  costmodel::Hardware hw;
  hw.name = "H100 SXM";
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
  const costmodel::Machine mc = costmodel::make_machine(hw);
  // Golden file optimal[0]: d 12288, f 49152, L 192, B 3584 on 2048 GPUs -> utilization 0.69899.
  costmodel::Model m;
  m.d_model = 12288;
  m.d_ff = 49152;
  m.layers = 192;
  m.batch_seqs = 3584;
  m.seq_len = 2048;
  const search::SearchResult r = search::best_plan(mc, m, 2048);
  if (!r.found()) return 1;
  if (std::fabs(r.evaluation.utilization / 0.6989935821907877 - 1) > 1e-9) return 2;
  std::printf("search alone: utilization %.6f\n", r.evaluation.utilization);
  return 0;
}
