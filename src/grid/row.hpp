// One grid point's row of results: the axis values it was evaluated at and what came out.
// A plain standard-layout struct, so the schema can describe every column by its offset. Each
// member's column (name, type, units, description) is in row_columns.hpp, which fails to compile
// for a member without one. Rows travel over MPI and into the journal as bytes (both check
// sizeof(Row)): reordering members changes the layout unseen, so bump the journal magic too
// (kMagic in io/journal.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "costmodel/hardware.hpp"
#include "costmodel/plan.hpp"

namespace llmsweep::grid {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Status of a row that has not been computed yet (only in interrupted files).
inline constexpr std::uint8_t kStatusPending = 255;

// Codes of the categorical input columns.
enum class BatchRule : std::uint8_t {
  default_law = 0,
  deepseek = 1,
  none = 2,
  power = 3,
  tokens = 4,
  step_law = 5
};

struct Row {
  std::uint64_t index = 0;

  // --- inputs -------------------------------------------------------------------------
  std::uint16_t hardware = 0;     // code into the hardware labels
  std::uint8_t experts_rule = 0;  // ExpertsRule
  std::uint8_t batch_rule = 0;    // BatchRule
  std::uint8_t zero_bubble_allowed = 0;
  std::uint8_t zb_latency = 0;             // costmodel::ZbLatency
  std::uint8_t prune_flattened = 1;        // search variant (Q2)
  std::uint8_t cluster_sizes = 0;          // search::ClusterSizes
  std::uint8_t model = 0;                  // costmodel::ModelKind
  std::uint8_t search = 0;                 // search::SearchVariant (what the next two say, by name)
  std::int64_t microbatch_candidates = 4;  // search variant (Q3); 0 = all
  std::int64_t scenario = 0;               // the point's index over every axis but the width
  std::int64_t width_index = 0;            // its position on the width axis
  std::int64_t d_model = 0;
  std::int64_t d_ff = 0;
  std::int64_t layers = 0;
  std::int64_t experts = 0;
  std::int64_t batch_seqs = 0;
  std::int64_t seq_len = 0;
  std::int64_t batch_tokens = 0;    // B * S
  std::int64_t requested_gpus = 0;  // 0 = smallest cluster meeting the deadline
  double target_flop = kNaN;        // compute target the width was chosen for, if any
  double d_ff_ratio = kNaN;
  double depth_multiplier = kNaN;  // NaN with explicit layers
  double depth_exponent = kNaN;    // NaN: the paper's fit
  double batch_multiplier = kNaN;
  double batch_exponent = kNaN;  // power law only
  double run_months = kNaN;
  // Extended run-level terms (docs/MODEL-EXTENDED.md E5-E7), as resolved for the point.
  std::uint8_t failure_recovery = 0;  // costmodel::Recovery (0 = none)
  std::uint8_t site_crossing = 0;     // costmodel::SiteCrossing
  std::uint8_t ramp_plans = 0;        // search::RampPlans
  std::uint8_t pad0 = 0;
  std::int64_t sites = 1;
  std::int64_t ramp_index = 0;   // position on the ramp axis (/axes/ramp holds the labels)
  std::int64_t ramp_phases = 1;  // 1 = no ramp
  double gpu_mtbf_hours = kNaN;  // NaN: failures off
  double checkpoint_write_GBps = kNaN;
  double checkpoint_read_GBps = kNaN;
  double restart_time_s = kNaN;
  double site_bandwidth_GBps = kNaN;  // NaN: one site
  double site_latency_ms = kNaN;

  // --- results ------------------------------------------------------------------------
  std::uint8_t status = kStatusPending;  // costmodel::Status
  std::uint8_t meets_deadline = 0;
  std::uint8_t zero_bubble = 0;
  std::uint8_t pad1 = 0;
  std::int32_t levels = 0;  // network levels of the hardware
  double gpus = 0;          // N; a double because the widest sparse runs pass 2^63 GPUs (E * 2^i, exact)
  std::int64_t microbatches = 0;
  std::int64_t interleave = 0;
  std::array<std::int64_t, costmodel::kKinds> total{};
  std::array<std::array<std::int64_t, costmodel::kMaxLevels>, costmodel::kKinds> level{};
  double compute_flop = kNaN;
  double utilization = kNaN;
  double years = kNaN;
  double run_s = kNaN;
  double step_s = kNaN;
  double matmul_s = kNaN;  // per run
  double busy_s = kNaN;    // per run; these four add up to run_s
  double bubble_s = kNaN;
  double exposed_comm_s = kNaN;
  double exposed_latency_s = kNaN;
  double bubble_fraction = kNaN;
  double tp_comm_s = kNaN;  // per run, as in the golden vectors
  double dp_comm_s = kNaN;
  double pp_ep_comm_s = kNaN;
  double tp_latency_s = kNaN;
  double dp_latency_s = kNaN;
  double pp_ep_latency_s = kNaN;
  double latency_s = kNaN;  // steps * (pipeline latency + DP latency)
  double memory_used_bytes = kNaN;
  double memory_limit_bytes = kNaN;
  // Extended run-level terms; with none on, wall_s = run_s and the failure terms are 0.
  double wall_s = kNaN;              // run_s + failure_overhead_s: what the deadline limits
  double failure_overhead_s = kNaN;  // checkpoint + lost work + restart
  double checkpoint_s = kNaN;
  double lost_work_s = kNaN;
  double restart_total_s = kNaN;
  double checkpoint_interval_s = kNaN;  // compute between checkpoints (Young/Daly optimum)
  double expected_failures = kNaN;
  double cluster_mtbf_s = kNaN;
  double failure_cap_gpus = kNaN;     // useful cluster size for the model under failures alone (inf: off)
  double wall_utilization = kNaN;     // ideal time / wall time
  double warmup_s = kNaN;             // compute time of the ramp's phases before the last
  std::int64_t first_batch_seqs = 0;  // batch of the ramp's first phase
};

}  // namespace llmsweep::grid
