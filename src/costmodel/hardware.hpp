// The hardware side of the model (MODEL.md section 1): one GPU type and the network that joins
// them. SI units throughout; bandwidths are bytes per second, link bandwidths bidirectional.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "costmodel/run_data.hpp"

namespace llmsweep::costmodel {

// Most network levels a profile may have (level_sizes entries + 1). Plans keep per-level
// degrees in fixed arrays of this size so that evaluation never allocates.
inline constexpr int kMaxLevels = 6;

// Ranges check_hardware enforces (hardware_profiles/README.md, "Limits"). They reach far past any
// real or planned machine and keep every product of the profile's integers (GPUs per level,
// their product, SMs) exact, and every derived quantity finite.
inline constexpr int kMaxBits = 64;
inline constexpr std::int64_t kMaxSms = std::int64_t{1} << 20;
inline constexpr std::int64_t kMaxLevelSize = std::int64_t{1} << 16;
inline constexpr std::int64_t kMaxGpusBelowTop = std::int64_t{1} << 32;  // product of level_sizes
inline constexpr double kMaxSiValue = 1e30;                              // largest finite number, in SI units
// How a network level joins its GPUs (docs/MODEL-EXTENDED.md E3). The reference model knows
// only switched levels; a torus level needs the extended model.
enum class Topology : std::uint8_t { switched = 0, torus = 1 };

// What multiplies matrices (docs/MODEL-EXTENDED.md E4): streaming multiprocessors with the
// memory hierarchy of MODEL.md section 2, or systolic arrays fed from an on-chip memory (TPU,
// Trainium), which only the extended model evaluates.
enum class MatmulEngine : std::uint8_t { sm = 0, systolic = 1 };

struct Hardware {
  std::string name;  // display name, e.g. "H100 SXM"
  int bits = 16;     // training precision
  double flop_per_clock_per_thread = 0;
  double register_bytes_per_block = 0;
  std::int64_t sms = 0;
  double l2_bandwidth_Bps = 0;
  double l2_bytes = 0;
  double hbm_bandwidth_Bps = 0;
  double max_clock_hz = 0;
  double utilization_cap = 0;
  bool dsmem = false;
  double memory_bytes = 0;
  double kernel_latency_s = 0;
  std::vector<std::int64_t> level_sizes;   // GPUs per level below the top; K entries
  std::vector<double> link_bandwidth_Bps;  // K + 1 entries, per GPU, bidirectional
  std::vector<double> link_latency_s;      // K + 1 entries, one hop
  // Extended model only (docs/MODEL-EXTENDED.md E5, E6): present when the profile gives them.
  std::optional<FailureModel> failures;
  std::optional<SiteLevel> sites;

  // ---- extended model only (docs/MODEL-EXTENDED.md); the reference ignores all of these ----
  // E1, Blackwell-class tensor cores: tensor memory per SM holding the accumulators (0 = none)
  // and matrix multiplies issued by a pair of SMs (CTA pair) on one shared tile.
  double tensor_memory_bytes = 0;
  bool cta_pair_mma = false;
  // E3: per level, switched or torus (empty = all switched); the torus level's dimensions.
  std::vector<Topology> topology;
  std::vector<std::int64_t> torus_dims;
  // E4: the matmul engine; for systolic arrays the dense peak, the on-chip memory operands are
  // tiled in, and the array's side (operand dimensions are padded to it). SM fields are unused.
  MatmulEngine engine = MatmulEngine::sm;
  double systolic_peak_flops = 0;
  double onchip_memory_bytes = 0;
  std::int64_t systolic_array_dim = 0;

  int levels() const { return static_cast<int>(link_bandwidth_Bps.size()); }
  Topology topology_of(int level) const {
    return static_cast<std::size_t>(level) < topology.size() ? topology[static_cast<std::size_t>(level)]
                                                             : Topology::switched;
  }
};

// Why a profile cannot be evaluated by the reference model (a torus level, a systolic engine),
// or empty when it can. Profiles that merely carry extended-only numbers (tensor memory) work
// under both models.
std::string extended_requirement(const Hardware& hw);
// Whether any extended term changes this profile's answers (so `extended` differs from
// `reference` on it).
bool has_extended_terms(const Hardware& hw);

// Quantities derived from a profile once (section 1), used on the hot path.
struct Machine {
  Hardware hw;
  double word_bytes = 0;    // w = bits / 8
  double reg_bytes = 0;     // R  = 0.75 * register_bytes_per_block
  double l2_cap_bytes = 0;  // L2 = 0.75 * l2_bytes
  double clock_hz = 0;      // max_clock_hz * utilization_cap
  double smem_Bps = 0;      // beta_s = 128 * sms * clock
  double flops = 0;         // F, achievable FLOP/s
  double peak_flops = 0;    // Fpeak
};

// Builds the derived quantities; the profile must already be valid (see validate_hardware).
Machine make_machine(const Hardware& hw);

// The profile with its network collapsed to one level: bandwidth the sum over levels, latency
// the smallest (section 6, used only to prune the plan search).
Hardware flatten(const Hardware& hw);

// What is wrong with a profile: the field (a Hardware member, without its unit suffix) and why.
struct HardwareProblem {
  std::string field;
  std::string message;
};
std::optional<HardwareProblem> check_hardware(const Hardware& hw);

// Empty when the profile is usable; otherwise a one-line reason naming the field.
std::string validate_hardware(const Hardware& hw);

}  // namespace llmsweep::costmodel
