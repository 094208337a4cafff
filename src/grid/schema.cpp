#include "grid/schema.hpp"

#include <cstring>
#include <type_traits>

#include "costmodel/options.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/status.hpp"
#include "grid/axes.hpp"
#include "search/cluster.hpp"

namespace llmsweep::grid {

static_assert(std::is_standard_layout_v<Row>, "the schema addresses Row fields by offset");
static_assert(std::is_trivially_copyable_v<Row>, "rows travel and are journaled as bytes");

namespace {

#define LLMSWEEP_COL(field, type, units, description, input)                      \
  Column {                                                                        \
#field, ColumnType::type, offsetof(Row, field), units, description, {}, input \
  }

std::vector<std::string> status_labels() {
  std::vector<std::string> out;
  for (int s = 0; s < costmodel::kStatusCount; ++s)
    out.emplace_back(costmodel::status_name(static_cast<costmodel::Status>(s)));
  return out;
}

}  // namespace

bool is_run_term_column(const std::string& name) {
  static const char* const kNames[] = {"failure_recovery",
                                       "gpu_mtbf_hours",
                                       "checkpoint_write_GBps",
                                       "checkpoint_read_GBps",
                                       "restart_time_s",
                                       "sites",
                                       "site_bandwidth_GBps",
                                       "site_latency_ms",
                                       "site_crossing",
                                       "ramp_index",
                                       "ramp_phases",
                                       "ramp_plans",
                                       "wall_s",
                                       "failure_overhead_s",
                                       "checkpoint_s",
                                       "lost_work_s",
                                       "restart_total_s",
                                       "checkpoint_interval_s",
                                       "expected_failures",
                                       "cluster_mtbf_s",
                                       "failure_cap_gpus",
                                       "wall_utilization",
                                       "warmup_s",
                                       "first_batch_seqs"};
  for (const char* n : kNames)
    if (name == n) return true;
  return false;
}

std::vector<Column> columns(int levels, const std::vector<std::string>& hardware_labels) {
  std::vector<Column> c = {
      LLMSWEEP_COL(
          scenario, i64, "1",
          "scenario: the point's index over every axis but the width (rows of one scenario form a frontier)",
          true),
      LLMSWEEP_COL(width_index, i64, "1",
                   "position of the point on the width axis (widths and compute targets ascend along it)",
                   true),
      LLMSWEEP_COL(hardware, u16, "code",
                   "hardware profile (code; the labels attribute holds the profile stems)", true),
      LLMSWEEP_COL(d_model, i64, "1", "model width d", true),
      LLMSWEEP_COL(d_ff, i64, "1", "MLP width f", true),
      LLMSWEEP_COL(layers, i64, "1", "layers L", true),
      LLMSWEEP_COL(experts, i64, "1", "experts E (1 = dense)", true),
      LLMSWEEP_COL(batch_seqs, i64, "sequences", "batch B in sequences per step", true),
      LLMSWEEP_COL(seq_len, i64, "tokens", "sequence length S", true),
      LLMSWEEP_COL(batch_tokens, i64, "tokens", "tokens per step B*S", true),
      LLMSWEEP_COL(target_flop, f64, "FLOP",
                   "training-compute target the width was chosen for (NaN: width given directly)", true),
      LLMSWEEP_COL(d_ff_ratio, f64, "1", "d_ff / d_model", true),
      LLMSWEEP_COL(depth_multiplier, f64, "1", "multiplier on the depth law (NaN: explicit layers)", true),
      LLMSWEEP_COL(depth_exponent, f64, "1",
                   "exponent of the depth law in d*f (NaN: the paper's Chinchilla fit)", true),
      LLMSWEEP_COL(experts_rule, u8, "code", "how E was chosen (code; see labels)", true),
      LLMSWEEP_COL(batch_rule, u8, "code", "how the batch was chosen (code; see labels)", true),
      LLMSWEEP_COL(batch_multiplier, f64, "1", "multiplier on the batch law's tokens", true),
      LLMSWEEP_COL(batch_exponent, f64, "1",
                   "exponent of the power batch law in C (NaN unless batch_rule is power)", true),
      LLMSWEEP_COL(run_months, f64, "months", "run duration limit", true),
      LLMSWEEP_COL(zero_bubble_allowed, u8, "bool", "whether the search may use zero-bubble schedules", true),
      LLMSWEEP_COL(model, u8, "code",
                   "cost model: reference (the original, docs/MODEL.md) or extended (docs/MODEL-EXTENDED.md)",
                   true),
      LLMSWEEP_COL(zb_latency, u8, "code",
                   "zero-bubble pipeline latency: hidden (reference, quirk Q1) or max (corrected)", true),
      LLMSWEEP_COL(
          search, u8, "code",
          "plan search: reference, exhaustive (no flattened-profile pruning, quirk Q2), all-microbatches "
          "(quirk Q3) or corrected (both)",
          true),
      LLMSWEEP_COL(prune_flattened, u8, "bool",
                   "plan search prunes with the flattened profile (reference, quirk Q2)", true),
      LLMSWEEP_COL(microbatch_candidates, i64, "1",
                   "microbatch counts the search tries (4 = reference, quirk Q3; 0 = all)", true),
      LLMSWEEP_COL(
          cluster_sizes, u8, "code",
          "cluster sizes tried: powers-of-two (E * 2^i, reference), fill-levels (rounded up to "
          "whole domains), pow2-domains (a power of two of each domain's GPUs) or domains (both, the "
          "extended model's default)",
          true),
      LLMSWEEP_COL(requested_gpus, i64, "GPUs",
                   "cluster size asked for (0: the smallest cluster meeting the deadline)", true),
      // Extended run-level terms (docs/MODEL-EXTENDED.md E5-E7), as resolved from the axes and profile.
      LLMSWEEP_COL(failure_recovery, u8, "code",
                   "failure recovery: none (failures off), storage or peer (extended model, E5)", true),
      LLMSWEEP_COL(gpu_mtbf_hours, f64, "h", "mean time between failures of one GPU (NaN: failures off)",
                   true),
      LLMSWEEP_COL(checkpoint_write_GBps, f64, "GB/s",
                   "storage write bandwidth of the whole cluster (NaN unless storage recovery)", true),
      LLMSWEEP_COL(checkpoint_read_GBps, f64, "GB/s",
                   "storage read bandwidth of the whole cluster (NaN unless storage recovery)", true),
      LLMSWEEP_COL(restart_time_s, f64, "s",
                   "fixed time per failure besides reading the state back (NaN: failures off)", true),
      LLMSWEEP_COL(sites, i64, "1", "sites the cluster spans (1: one site; extended model, E6)", true),
      LLMSWEEP_COL(site_bandwidth_GBps, f64, "GB/s",
                   "per-GPU bidirectional bandwidth between sites (NaN: one site)", true),
      LLMSWEEP_COL(site_latency_ms, f64, "ms", "latency of one hop between sites (NaN: one site)", true),
      LLMSWEEP_COL(site_crossing, u8, "code", "kinds of parallelism allowed across sites: dp or dp-pp", true),
      LLMSWEEP_COL(ramp_index, i64, "1",
                   "position on the ramp axis (/axes ramp holds the ramps; extended, E7)", true),
      LLMSWEEP_COL(ramp_phases, i64, "1", "phases of the batch ramp (1: no ramp)", true),
      LLMSWEEP_COL(ramp_plans, u8, "code", "ramp phases each on its own best plan (per-phase) or on one plan",
                   true),
      LLMSWEEP_COL(status, u8, "code",
                   "result status (code; labels and descriptions attributes; 255 = not computed yet)", false),
      LLMSWEEP_COL(meets_deadline, u8, "bool", "the run finishes within run_months", false),
      LLMSWEEP_COL(compute_flop, f64, "FLOP", "training compute C = 6 * P * D / E", false),
      LLMSWEEP_COL(gpus, f64, "GPUs",
                   "cluster size N of the result (0 when infeasible); a float because the widest sparse runs "
                   "pass 2^63 GPUs, exact for every size the search tries",
                   false),
      LLMSWEEP_COL(utilization, f64, "1", "model FLOP utilization: ideal step time / step time", false),
      LLMSWEEP_COL(years, f64, "years", "wall time in years of 3.154e7 s (= run time without failures)",
                   false),
      LLMSWEEP_COL(run_s, f64, "s", "run time: steps * step time", false),
      LLMSWEEP_COL(step_s, f64, "s", "time of one training step", false),
      Column{"dp",
             ColumnType::i64,
             offsetof(Row, total) + 0 * sizeof(std::int64_t),
             "1",
             "data-parallel degree",
             {},
             false},
      Column{"tp_model",
             ColumnType::i64,
             offsetof(Row, total) + 1 * sizeof(std::int64_t),
             "1",
             "tensor-parallel degree over d_model",
             {},
             false},
      Column{"tp_ff",
             ColumnType::i64,
             offsetof(Row, total) + 2 * sizeof(std::int64_t),
             "1",
             "tensor-parallel degree over d_ff",
             {},
             false},
      Column{"pp",
             ColumnType::i64,
             offsetof(Row, total) + 3 * sizeof(std::int64_t),
             "1",
             "pipeline-parallel degree",
             {},
             false},
      Column{"ep",
             ColumnType::i64,
             offsetof(Row, total) + 4 * sizeof(std::int64_t),
             "1",
             "expert-parallel degree",
             {},
             false},
      LLMSWEEP_COL(microbatches, i64, "1", "microbatches per step m", false),
      LLMSWEEP_COL(interleave, i64, "1", "interleaved pipeline stages per GPU v", false),
      LLMSWEEP_COL(zero_bubble, u8, "bool", "the plan uses a zero-bubble schedule", false),
  };
  for (int k = 0; k < costmodel::kKinds; ++k) {
    const std::string kind = costmodel::kind_name(static_cast<costmodel::Kind>(k));
    for (int l = 0; l < levels; ++l) {
      const std::size_t offset = offsetof(Row, level) + (static_cast<std::size_t>(k) * costmodel::kMaxLevels +
                                                         static_cast<std::size_t>(l)) *
                                                            sizeof(std::int64_t);
      c.push_back(Column{kind + "_level" + std::to_string(l),
                         ColumnType::i64,
                         offset,
                         "1",
                         kind + " degree at network level " + std::to_string(l) +
                             (l == 0 ? " (inside a node)" : "") + "; 1 where the hardware has fewer levels",
                         {},
                         false});
    }
  }
  const std::vector<Column> tail = {
      LLMSWEEP_COL(matmul_s, f64, "s", "matmul time per run: steps * X", false),
      LLMSWEEP_COL(
          busy_s, f64, "s",
          "per run, max(matmul, overlapped comm); busy + bubble + exposed comm + exposed latency = run time",
          false),
      LLMSWEEP_COL(bubble_s, f64, "s", "pipeline bubble time per run", false),
      LLMSWEEP_COL(exposed_comm_s, f64, "s", "communication not hidden behind compute, per run", false),
      LLMSWEEP_COL(exposed_latency_s, f64, "s", "latency that lengthens the steps, per run", false),
      LLMSWEEP_COL(bubble_fraction, f64, "1", "bubble fraction phi of the pipeline", false),
      LLMSWEEP_COL(tp_comm_s, f64, "s", "tensor-parallel all-reduce bandwidth time per run (steps * BTP)",
                   false),
      LLMSWEEP_COL(dp_comm_s, f64, "s", "data-parallel all-reduce bandwidth time per run (steps * BDP)",
                   false),
      LLMSWEEP_COL(pp_ep_comm_s, f64, "s",
                   "pipeline and expert point-to-point bandwidth time per run (steps * BPE)", false),
      LLMSWEEP_COL(tp_latency_s, f64, "s", "tensor-parallel latency per run", false),
      LLMSWEEP_COL(dp_latency_s, f64, "s", "data-parallel latency per run", false),
      LLMSWEEP_COL(pp_ep_latency_s, f64, "s", "pipeline and expert latency per run", false),
      LLMSWEEP_COL(latency_s, f64, "s",
                   "all latency per run, steps * (pipeline latency + DP latency), as in the golden vectors",
                   false),
      LLMSWEEP_COL(memory_used_bytes, f64, "B",
                   "parameters per DP replica plus optimizer state, whole cluster", false),
      LLMSWEEP_COL(memory_limit_bytes, f64, "B", "memory of the whole cluster", false),
      LLMSWEEP_COL(wall_s, f64, "s",
                   "wall time: run time plus failure overhead (= run_s without failures); the deadline "
                   "applies to it",
                   false),
      LLMSWEEP_COL(
          failure_overhead_s, f64, "s",
          "failure overhead: checkpoint_s + lost_work_s + restart_total_s; busy + bubble + exposed comm "
          "+ exposed latency + failure overhead = wall time",
          false),
      LLMSWEEP_COL(checkpoint_s, f64, "s", "time writing checkpoints, whole run", false),
      LLMSWEEP_COL(lost_work_s, f64, "s", "work lost to failures since the last checkpoint, whole run",
                   false),
      LLMSWEEP_COL(restart_total_s, f64, "s",
                   "time recovering from failures (restart and restore), whole run", false),
      LLMSWEEP_COL(checkpoint_interval_s, f64, "s", "compute time between checkpoints (Young/Daly optimum)",
                   false),
      LLMSWEEP_COL(expected_failures, f64, "1", "expected failures over the run", false),
      LLMSWEEP_COL(cluster_mtbf_s, f64, "s", "mean time between failures of the cluster (inf: failures off)",
                   false),
      LLMSWEEP_COL(
          failure_cap_gpus, f64, "GPUs",
          "useful cluster size for this model under failures alone: beyond it a perfectly scaling run "
          "gets longer (inf: failures off)",
          false),
      LLMSWEEP_COL(wall_utilization, f64, "1",
                   "utilization over the wall time (= utilization without failures); the thresholds use it",
                   false),
      LLMSWEEP_COL(warmup_s, f64, "s", "compute time of the batch ramp's phases before the last (in run_s)",
                   false),
      LLMSWEEP_COL(first_batch_seqs, i64, "sequences",
                   "batch of the ramp's first phase (= batch_seqs without)", false),
  };
  c.insert(c.end(), tail.begin(), tail.end());
  for (Column& col : c) {
    if (col.name == "hardware") col.labels = hardware_labels;
    if (col.name == "experts_rule")
      for (auto r : {ExpertsRule::dense, ExpertsRule::width_scaled, ExpertsRule::count})
        col.labels.emplace_back(experts_rule_name(r));
    if (col.name == "batch_rule") col.labels = {"default", "deepseek", "none", "power", "tokens", "step-law"};
    if (col.name == "zb_latency")
      for (costmodel::ZbLatency z : costmodel::kAllZbLatencies)
        col.labels.emplace_back(costmodel::zb_latency_name(z));
    if (col.name == "search")
      for (search::SearchVariant v : search::kAllSearchVariants)
        col.labels.emplace_back(search::search_variant_name(v));
    if (col.name == "model")
      for (costmodel::ModelKind k : costmodel::kAllModelKinds)
        col.labels.emplace_back(costmodel::model_kind_name(k));
    if (col.name == "cluster_sizes")
      for (auto k : {search::ClusterSizes::powers_of_two, search::ClusterSizes::fill_levels,
                     search::ClusterSizes::pow2_domains, search::ClusterSizes::domains})
        col.labels.emplace_back(search::cluster_sizes_name(k));
    if (col.name == "failure_recovery") col.labels = {"none", "storage", "peer"};
    if (col.name == "site_crossing") col.labels = {"dp", "dp-pp"};
    if (col.name == "ramp_plans") col.labels = {"per-phase", "one-plan"};
    if (col.name == "status") col.labels = status_labels();
  }
  return c;
}

#undef LLMSWEEP_COL

namespace {

template <class T>
T load(const Row& row, std::size_t offset) {
  T v;
  std::memcpy(&v, reinterpret_cast<const unsigned char*>(&row) + offset, sizeof v);
  return v;
}

template <class T>
void store(Row& row, std::size_t offset, T v) {
  std::memcpy(reinterpret_cast<unsigned char*>(&row) + offset, &v, sizeof v);
}

}  // namespace

std::int64_t get_integer(const Row& row, const Column& c) {
  switch (c.type) {
    case ColumnType::u8:
      return load<std::uint8_t>(row, c.offset);
    case ColumnType::u16:
      return load<std::uint16_t>(row, c.offset);
    case ColumnType::i64:
      return load<std::int64_t>(row, c.offset);
    case ColumnType::f64:
      return static_cast<std::int64_t>(load<double>(row, c.offset));
  }
  return 0;
}

double get_real(const Row& row, const Column& c) {
  return c.type == ColumnType::f64 ? load<double>(row, c.offset) : static_cast<double>(get_integer(row, c));
}

void set_integer(Row& row, const Column& c, std::int64_t v) {
  switch (c.type) {
    case ColumnType::u8:
      store(row, c.offset, static_cast<std::uint8_t>(v));
      break;
    case ColumnType::u16:
      store(row, c.offset, static_cast<std::uint16_t>(v));
      break;
    case ColumnType::i64:
      store(row, c.offset, v);
      break;
    case ColumnType::f64:
      store(row, c.offset, static_cast<double>(v));
      break;
  }
}

void set_real(Row& row, const Column& c, double v) {
  if (c.type == ColumnType::f64)
    store(row, c.offset, v);
  else
    set_integer(row, c, static_cast<std::int64_t>(v));
}

}  // namespace llmsweep::grid
