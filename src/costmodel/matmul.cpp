#include "costmodel/matmul.hpp"

#include <algorithm>
#include <cmath>

namespace llmsweep::costmodel {

Tiling tile(double m, double n, double cap, double word_bytes) {
  const double q = std::ceil(m * n * word_bytes / cap);
  const double a = m * n / q;
  const double tm = std::max(std::min(m, std::sqrt(a)), a / n);
  const double tn = a / tm;
  return {m / tm, n / tn};
}

Traffic traffic(const Machine& mc, std::int64_t d1, std::int64_t d2, std::int64_t b, double cap, double k,
                bool dist, bool wgrad) {
  const double w = mc.word_bytes;
  const double m = static_cast<double>(d1);
  const double n = static_cast<double>(d2);
  // Each product rounds once, as an exact integer product converted to double would.
  const double weights = m * n * w;
  const double act_left = m * static_cast<double>(b) * w;
  const double act_right = n * static_cast<double>(b) * w;

  Tiling outer;
  Tiling inner{1, 1};
  if (dist) {
    outer = tile(m, n, cap * k, w);
    inner = tile(m, n, cap, w);
  } else {
    outer = tile(m, n, cap, w);
  }
  Traffic t;
  if (!(2 * weights <= cap * k)) t.between_levels_bytes += wgrad ? 2 * weights : weights;
  t.between_levels_bytes += outer.rows * act_right;
  if (inner.rows > 1) t.sm_network_bytes += inner.rows * act_right;
  if (wgrad) {
    t.between_levels_bytes += outer.cols * act_left;
    if (inner.cols > 1) t.sm_network_bytes += inner.cols * act_left;
  } else {
    t.sm_network_bytes += 2 * (inner.cols - 1) * act_left;
    t.between_levels_bytes += (2 * outer.cols - 1) * act_left;
  }
  return t;
}

namespace {

// Tensor cores work on 8x8x8 chunks; the count is exact in 128 bits, then rounded once.
double padded_flop(std::int64_t d1, std::int64_t d2, std::int64_t b) {
  const auto chunks = [](std::int64_t x) { return static_cast<unsigned __int128>((x + 7) / 8); };
  const unsigned __int128 flop = 2 * chunks(d1) * chunks(d2) * chunks(b) * 512;
  return static_cast<double>(flop);
}

// E4: systolic arrays fed from on-chip memory. Operands are tiled in 0.75 of the on-chip memory
// (as the reference keeps a quarter of each level free), the two weight dimensions padded to
// the array's side and the tokens to 8.
double systolic_matmul_time(const Machine& mc, std::int64_t d1, std::int64_t d2, std::int64_t b, bool wgrad) {
  const double g =
      traffic(mc, d1, d2, b, 0.75 * mc.hw.onchip_memory_bytes, 1, false, wgrad).between_levels_bytes;
  const std::int64_t a = mc.hw.systolic_array_dim;
  const auto up = [](std::int64_t x, std::int64_t q) {
    return static_cast<unsigned __int128>((x + q - 1) / q);
  };
  const unsigned __int128 flop = 2 * up(d1, a) * static_cast<unsigned __int128>(a) * up(d2, a) *
                                 static_cast<unsigned __int128>(a) * up(b, 8) * 8;
  return std::max(g / mc.hw.hbm_bandwidth_Bps, static_cast<double>(flop) / mc.flops) + mc.hw.kernel_latency_s;
}

}  // namespace

double matmul_time(const Machine& mc, std::int64_t d1, std::int64_t d2, std::int64_t b, bool wgrad,
                   ModelKind kind) {
  if (kind == ModelKind::extended && mc.hw.engine == MatmulEngine::systolic)
    return systolic_matmul_time(mc, d1, d2, b, wgrad);
  const double regs = mc.reg_bytes;
  const double sms = static_cast<double>(mc.hw.sms);
  const double g =
      traffic(mc, d1, d2, b, std::max(mc.l2_cap_bytes, 4 * regs), 1, false, wgrad).between_levels_bytes;
  const Traffic l2 = traffic(mc, d1, d2, b, 4 * regs, sms, mc.hw.dsmem, wgrad);
  const double h = l2.between_levels_bytes;
  const double y = l2.sm_network_bytes;
  double r;
  if (kind == ModelKind::extended && mc.hw.tensor_memory_bytes > 0) {
    // E1: accumulators in tensor memory; a CTA pair multiplies one tile spread over its two SMs,
    // reading the shared operand once for both, so the innermost level has sms / pair tiles of
    // pair x 0.75 x tensor memory (0.75 as the reference's R keeps a quarter of registers free).
    const double pair = mc.hw.cta_pair_mma ? 2.0 : 1.0;
    r = traffic(mc, d1, d2, b, 0.75 * pair * mc.hw.tensor_memory_bytes, sms / pair, false, wgrad)
            .between_levels_bytes;
  } else {
    r = traffic(mc, d1, d2, b, regs, 4 * sms, false, wgrad).between_levels_bytes;
  }
  const double flop = padded_flop(d1, d2, b);
  const double t = std::max({g / mc.hw.hbm_bandwidth_Bps, (g + h) / mc.hw.l2_bandwidth_Bps,
                             (h + y + r) / mc.smem_Bps, flop / mc.flops});
  return t + mc.hw.kernel_latency_s;
}

double layer_matmul_time(const Machine& mc, std::int64_t fs, std::int64_t ds, std::int64_t bs,
                         ModelKind kind) {
  const double a = matmul_time(mc, fs, ds, bs, false, kind);
  const double b = matmul_time(mc, ds, fs, bs, false, kind);
  const double c = matmul_time(mc, fs, ds, bs, true, kind);
  const double e = matmul_time(mc, ds, fs, bs, true, kind);
  // The original's order (MODEL.md section 4 step 3): symmetric when the shard shapes swap, so
  // transposed TP splits tie exactly and the tie-break decides between them as it does there.
  return ((a + b) + c) + ((b + a) + e);
}

}  // namespace llmsweep::costmodel
