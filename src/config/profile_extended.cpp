#include "config/profile_extended.hpp"

namespace llmsweep::config::detail {
namespace {

constexpr double kMiB = 1048576.0;
constexpr double kKiB = 1024.0;
constexpr double kTera = 1e12;

const char* const kSmKeys[] = {"flop_per_clock_per_thread",
                               "register_bytes_per_block",
                               "sms",
                               "l2_bandwidth_GBps",
                               "l2_size_MiB",
                               "max_clock_MHz",
                               "dsmem",
                               "tensor_memory_KiB",
                               "cta_pair_mma"};

}  // namespace

costmodel::MatmulEngine read_engine(TableReader& top) {
  const auto e = top.string("matmul_engine", false);
  if (!e || *e == "sm") return costmodel::MatmulEngine::sm;
  if (*e == "systolic") return costmodel::MatmulEngine::systolic;
  top.error("matmul_engine", "unknown value '" + *e + "'; expected sm or systolic");
  return costmodel::MatmulEngine::sm;
}

void read_extended(TableReader& top, costmodel::Hardware& hw, ProfileInfo& info) {
  if (auto v = top.string("vendor", false)) info.vendor = *v;
  if (auto v = top.integer("year", false)) {
    if (*v < 1990 || *v > 2100)
      top.error("year", "must be a year between 1990 and 2100, got " + std::to_string(*v));
    else
      info.year = static_cast<int>(*v);
  }
  if (auto v = top.boolean("preliminary", false)) info.preliminary = *v;
  if (hw.engine == costmodel::MatmulEngine::systolic) {
    if (auto v = top.number("peak_dense_TFLOPS", true)) hw.systolic_peak_flops = *v * kTera;
    if (auto v = top.number("onchip_memory_MiB", true)) hw.onchip_memory_bytes = *v * kMiB;
    if (auto v = top.integer("systolic_array_dim", true)) hw.systolic_array_dim = *v;
    return;
  }
  if (auto v = top.number("tensor_memory_KiB", false)) hw.tensor_memory_bytes = *v * kKiB;
  if (auto v = top.boolean("cta_pair_mma", false)) hw.cta_pair_mma = *v;
}

void refuse_sm_keys(TableReader& top) {
  for (const char* k : kSmKeys)
    if (top.has(k)) {
      top.node(k);
      top.error(k, "does not apply to matmul_engine = \"systolic\" (MODEL-EXTENDED.md E4)");
    }
}

void read_topology(TableReader& net, costmodel::Hardware& hw) {
  if (auto t = net.strings("topology", false)) {
    hw.topology.clear();
    for (const std::string& s : *t) {
      if (s == "switch") {
        hw.topology.push_back(costmodel::Topology::switched);
      } else if (s == "torus") {
        hw.topology.push_back(costmodel::Topology::torus);
      } else {
        net.error("topology", "unknown value '" + s + "'; expected switch or torus");
        return;
      }
    }
  }
  if (auto d = net.integers("torus_dims", false)) hw.torus_dims = *d;
}

}  // namespace llmsweep::config::detail
