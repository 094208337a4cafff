// The columns of /points, each described once, in file order: the Row member it lives in, its
// type in the file, units, description, role, where a categorical column's labels come from, and
// whether it is one of the extended model's run-level terms. grid::columns() (the schema that the
// HDF5 sink, the reader and the journal follow) is built from this table, and the checks below
// tie the hand-written Row to it: a column naming no member, a member of another type, or a Row
// member without a column (or an entry in kRowMembersWithoutColumn) does not compile.
//
// Adding a column: add the member to Row (row.hpp), its entry here at its place in the file, and
// a fill in evaluate_point.cpp; bump kSchemaVersion (schema.hpp) where it changes meaning.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "grid/row.hpp"

namespace llmsweep::grid {

enum class ColumnType : std::uint8_t { u8, u16, i64, f64 };

// The C++ type a Row member of each column type has.
template <ColumnType>
struct CppTypeOf;
template <>
struct CppTypeOf<ColumnType::u8> {
  using type = std::uint8_t;
};
template <>
struct CppTypeOf<ColumnType::u16> {
  using type = std::uint16_t;
};
template <>
struct CppTypeOf<ColumnType::i64> {
  using type = std::int64_t;
};
template <>
struct CppTypeOf<ColumnType::f64> {
  using type = double;
};

template <ColumnType t>
using CppType = typename CppTypeOf<t>::type;

enum class ColumnRole : std::uint8_t { result, input };

// Where the labels of a categorical column (units "code") come from: the name functions of each
// vocabulary (schema.cpp), or the sweep's hardware profiles.
enum class ColumnLabels : std::uint8_t {
  none,
  hardware,
  experts_rule,
  batch_rule,
  model,
  zb_latency,
  search,
  cluster_sizes,
  failure_recovery,
  site_crossing,
  ramp_plans,
  status
};

// run_terms: the extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7), which files
// written before them lack.
enum class ColumnGroup : std::uint8_t { base, run_terms };

// one: a scalar member, the column named as it is. per_kind: an array over costmodel::Kind, one
// column per kind (named by kind_name). per_kind_level: [kind][level], one column per kind and
// network level of the sweep (<kind>_level<l>).
enum class ColumnShape : std::uint8_t { one, per_kind, per_kind_level };

struct ColumnSpec {
  std::string_view member;
  ColumnType type;
  std::size_t offset;  // of the member in Row
  std::string_view units;
  std::string_view description;  // per_kind and per_kind_level: see kind_degree_description
  ColumnRole role = ColumnRole::result;
  ColumnLabels labels = ColumnLabels::none;
  ColumnGroup group = ColumnGroup::base;
  ColumnShape shape = ColumnShape::one;

  constexpr ColumnSpec labeled(ColumnLabels l) const {
    ColumnSpec s = *this;
    s.labels = l;
    return s;
  }
  constexpr ColumnSpec run_term() const {
    ColumnSpec s = *this;
    s.group = ColumnGroup::run_terms;
    return s;
  }
};

namespace detail {

template <class Member, class Want>
consteval std::size_t typed_offset(std::size_t offset) {
  static_assert(std::is_same_v<Member, Want>, "a Row member must have the C++ type of its column's type");
  return offset;
}

}  // namespace detail

}  // namespace llmsweep::grid

// One column of a scalar Row member; `role` is input or result.
#define LLMSWEEP_COLUMN(member, file_type, units, role, description)                      \
  ::llmsweep::grid::ColumnSpec {                                                          \
#member, ::llmsweep::grid::ColumnType::file_type,                                     \
        ::llmsweep::grid::detail::typed_offset < decltype(::llmsweep::grid::Row::member), \
        ::llmsweep::grid::CppType < ::llmsweep::grid::ColumnType::file_type>>             \
            (offsetof(::llmsweep::grid::Row, member)),                                    \
        units, description, ::llmsweep::grid::ColumnRole::role                            \
  }

// The columns of a Row member of int64 degrees, one per kind or one per kind and level.
#define LLMSWEEP_DEGREE_COLUMNS(member, shape, array_type)                                                   \
  ::llmsweep::grid::ColumnSpec {                                                                             \
#member, ::llmsweep::grid::ColumnType::i64,                                                              \
        ::llmsweep::grid::detail::typed_offset < decltype(::llmsweep::grid::Row::member),                    \
        array_type>(offsetof(::llmsweep::grid::Row, member)), "1", "", ::llmsweep::grid::ColumnRole::result, \
        ::llmsweep::grid::ColumnLabels::none, ::llmsweep::grid::ColumnGroup::base,                           \
        ::llmsweep::grid::ColumnShape::shape                                                                 \
  }

namespace llmsweep::grid {

using KindDegrees = std::array<std::int64_t, costmodel::kKinds>;
using KindLevelDegrees = std::array<std::array<std::int64_t, costmodel::kMaxLevels>, costmodel::kKinds>;

// Every column of /points in file order (files of kept rows put kGridIndexColumn first).
inline constexpr ColumnSpec kRowColumns[] = {
    LLMSWEEP_COLUMN(scenario, i64, "1", input,
                    "scenario: the point's index over every axis but the width (rows of one scenario form a "
                    "frontier)"),
    LLMSWEEP_COLUMN(width_index, i64, "1", input,
                    "position of the point on the width axis (widths and compute targets ascend along it)"),
    LLMSWEEP_COLUMN(hardware, u16, "code", input,
                    "hardware profile (code; the labels attribute holds the profile stems)")
        .labeled(ColumnLabels::hardware),
    LLMSWEEP_COLUMN(d_model, i64, "1", input, "model width d"),
    LLMSWEEP_COLUMN(d_ff, i64, "1", input, "MLP width f"),
    LLMSWEEP_COLUMN(layers, i64, "1", input, "layers L"),
    LLMSWEEP_COLUMN(experts, i64, "1", input, "experts E (1 = dense)"),
    LLMSWEEP_COLUMN(batch_seqs, i64, "sequences", input, "batch B in sequences per step"),
    LLMSWEEP_COLUMN(seq_len, i64, "tokens", input, "sequence length S"),
    LLMSWEEP_COLUMN(batch_tokens, i64, "tokens", input, "tokens per step B*S"),
    LLMSWEEP_COLUMN(target_flop, f64, "FLOP", input,
                    "training-compute target the width was chosen for (NaN: width given directly)"),
    LLMSWEEP_COLUMN(d_ff_ratio, f64, "1", input, "d_ff / d_model"),
    LLMSWEEP_COLUMN(depth_multiplier, f64, "1", input, "multiplier on the depth law (NaN: explicit layers)"),
    LLMSWEEP_COLUMN(depth_exponent, f64, "1", input,
                    "exponent of the depth law in d*f (NaN: the paper's Chinchilla fit)"),
    LLMSWEEP_COLUMN(experts_rule, u8, "code", input, "how E was chosen (code; see labels)")
        .labeled(ColumnLabels::experts_rule),
    LLMSWEEP_COLUMN(batch_rule, u8, "code", input, "how the batch was chosen (code; see labels)")
        .labeled(ColumnLabels::batch_rule),
    LLMSWEEP_COLUMN(batch_multiplier, f64, "1", input, "multiplier on the batch law's tokens"),
    LLMSWEEP_COLUMN(batch_exponent, f64, "1", input,
                    "exponent of the power batch law in C (NaN unless batch_rule is power)"),
    LLMSWEEP_COLUMN(run_months, f64, "months", input, "run duration limit"),
    LLMSWEEP_COLUMN(zero_bubble_allowed, u8, "bool", input,
                    "whether the search may use zero-bubble schedules"),
    LLMSWEEP_COLUMN(
        model, u8, "code", input,
        "cost model: reference (the original, docs/MODEL.md) or extended (docs/MODEL-EXTENDED.md)")
        .labeled(ColumnLabels::model),
    LLMSWEEP_COLUMN(zb_latency, u8, "code", input,
                    "zero-bubble pipeline latency: hidden (reference, quirk Q1) or max (corrected)")
        .labeled(ColumnLabels::zb_latency),
    LLMSWEEP_COLUMN(search, u8, "code", input,
                    "plan search: reference, exhaustive (no flattened-profile pruning, quirk Q2), "
                    "all-microbatches (quirk Q3) or corrected (both)")
        .labeled(ColumnLabels::search),
    LLMSWEEP_COLUMN(prune_flattened, u8, "bool", input,
                    "plan search prunes with the flattened profile (reference, quirk Q2)"),
    LLMSWEEP_COLUMN(microbatch_candidates, i64, "1", input,
                    "microbatch counts the search tries (4 = reference, quirk Q3; 0 = all)"),
    LLMSWEEP_COLUMN(cluster_sizes, u8, "code", input,
                    "cluster sizes tried: powers-of-two (E * 2^i, reference), fill-levels (rounded up to "
                    "whole domains), pow2-domains (a power of two of each domain's GPUs) or domains (both, "
                    "the extended model's default)")
        .labeled(ColumnLabels::cluster_sizes),
    LLMSWEEP_COLUMN(requested_gpus, i64, "GPUs", input,
                    "cluster size asked for (0: the smallest cluster meeting the deadline)"),
    // Extended run-level terms (docs/MODEL-EXTENDED.md E5-E7), as resolved from the axes and profile.
    LLMSWEEP_COLUMN(failure_recovery, u8, "code", input,
                    "failure recovery: none (failures off), storage or peer (extended model, E5)")
        .labeled(ColumnLabels::failure_recovery)
        .run_term(),
    LLMSWEEP_COLUMN(gpu_mtbf_hours, f64, "h", input,
                    "mean time between failures of one GPU (NaN: failures off)")
        .run_term(),
    LLMSWEEP_COLUMN(checkpoint_write_GBps, f64, "GB/s", input,
                    "storage write bandwidth of the whole cluster (NaN unless storage recovery)")
        .run_term(),
    LLMSWEEP_COLUMN(checkpoint_read_GBps, f64, "GB/s", input,
                    "storage read bandwidth of the whole cluster (NaN unless storage recovery)")
        .run_term(),
    LLMSWEEP_COLUMN(restart_time_s, f64, "s", input,
                    "fixed time per failure besides reading the state back (NaN: failures off)")
        .run_term(),
    LLMSWEEP_COLUMN(sites, i64, "1", input, "sites the cluster spans (1: one site; extended model, E6)")
        .run_term(),
    LLMSWEEP_COLUMN(site_bandwidth_GBps, f64, "GB/s", input,
                    "per-GPU bidirectional bandwidth between sites (NaN: one site)")
        .run_term(),
    LLMSWEEP_COLUMN(site_latency_ms, f64, "ms", input, "latency of one hop between sites (NaN: one site)")
        .run_term(),
    LLMSWEEP_COLUMN(site_crossing, u8, "code", input,
                    "kinds of parallelism allowed across sites: dp or dp-pp")
        .labeled(ColumnLabels::site_crossing)
        .run_term(),
    LLMSWEEP_COLUMN(ramp_index, i64, "1", input,
                    "position on the ramp axis (/axes ramp holds the ramps; extended, E7)")
        .run_term(),
    LLMSWEEP_COLUMN(ramp_phases, i64, "1", input, "phases of the batch ramp (1: no ramp)").run_term(),
    LLMSWEEP_COLUMN(ramp_plans, u8, "code", input,
                    "ramp phases each on its own best plan (per-phase) or on one plan")
        .labeled(ColumnLabels::ramp_plans)
        .run_term(),
    // Results.
    LLMSWEEP_COLUMN(status, u8, "code", result,
                    "result status (code; labels and descriptions attributes; 255 = not computed yet)")
        .labeled(ColumnLabels::status),
    LLMSWEEP_COLUMN(meets_deadline, u8, "bool", result, "the run finishes within run_months"),
    LLMSWEEP_COLUMN(compute_flop, f64, "FLOP", result, "training compute C = 6 * P * D / E"),
    LLMSWEEP_COLUMN(gpus, f64, "GPUs", result,
                    "cluster size N of the result (0 when infeasible); a float because the widest sparse "
                    "runs pass 2^63 GPUs, exact for every size the search tries"),
    LLMSWEEP_COLUMN(utilization, f64, "1", result, "model FLOP utilization: ideal step time / step time"),
    LLMSWEEP_COLUMN(years, f64, "years", result,
                    "wall time in years of 3.154e7 s (= run time without failures)"),
    LLMSWEEP_COLUMN(run_s, f64, "s", result, "run time: steps * step time"),
    LLMSWEEP_COLUMN(step_s, f64, "s", result, "time of one training step"),
    LLMSWEEP_DEGREE_COLUMNS(total, per_kind, KindDegrees),
    LLMSWEEP_COLUMN(microbatches, i64, "1", result, "microbatches per step m"),
    LLMSWEEP_COLUMN(interleave, i64, "1", result, "interleaved pipeline stages per GPU v"),
    LLMSWEEP_COLUMN(zero_bubble, u8, "bool", result, "the plan uses a zero-bubble schedule"),
    LLMSWEEP_DEGREE_COLUMNS(level, per_kind_level, KindLevelDegrees),
    LLMSWEEP_COLUMN(matmul_s, f64, "s", result, "matmul time per run: steps * X"),
    LLMSWEEP_COLUMN(busy_s, f64, "s", result,
                    "per run, max(matmul, overlapped comm); busy + bubble + exposed comm + exposed latency = "
                    "run time"),
    LLMSWEEP_COLUMN(bubble_s, f64, "s", result, "pipeline bubble time per run"),
    LLMSWEEP_COLUMN(exposed_comm_s, f64, "s", result, "communication not hidden behind compute, per run"),
    LLMSWEEP_COLUMN(exposed_latency_s, f64, "s", result, "latency that lengthens the steps, per run"),
    LLMSWEEP_COLUMN(bubble_fraction, f64, "1", result, "bubble fraction phi of the pipeline"),
    LLMSWEEP_COLUMN(tp_comm_s, f64, "s", result,
                    "tensor-parallel all-reduce bandwidth time per run (steps * BTP)"),
    LLMSWEEP_COLUMN(dp_comm_s, f64, "s", result,
                    "data-parallel all-reduce bandwidth time per run (steps * BDP)"),
    LLMSWEEP_COLUMN(pp_ep_comm_s, f64, "s", result,
                    "pipeline and expert point-to-point bandwidth time per run (steps * BPE)"),
    LLMSWEEP_COLUMN(tp_latency_s, f64, "s", result, "tensor-parallel latency per run"),
    LLMSWEEP_COLUMN(dp_latency_s, f64, "s", result, "data-parallel latency per run"),
    LLMSWEEP_COLUMN(pp_ep_latency_s, f64, "s", result, "pipeline and expert latency per run"),
    LLMSWEEP_COLUMN(latency_s, f64, "s", result,
                    "all latency per run, steps * (pipeline latency + DP latency), as in the golden vectors"),
    LLMSWEEP_COLUMN(memory_used_bytes, f64, "B", result,
                    "parameters per DP replica plus optimizer state, whole cluster"),
    LLMSWEEP_COLUMN(memory_limit_bytes, f64, "B", result, "memory of the whole cluster"),
    // Extended run-level terms; with none on, wall_s = run_s and the failure terms are 0.
    LLMSWEEP_COLUMN(wall_s, f64, "s", result,
                    "wall time: run time plus failure overhead (= run_s without failures); the deadline "
                    "applies to it")
        .run_term(),
    LLMSWEEP_COLUMN(failure_overhead_s, f64, "s", result,
                    "failure overhead: checkpoint_s + lost_work_s + restart_total_s; busy + bubble + exposed "
                    "comm + exposed latency + failure overhead = wall time")
        .run_term(),
    LLMSWEEP_COLUMN(checkpoint_s, f64, "s", result, "time writing checkpoints, whole run").run_term(),
    LLMSWEEP_COLUMN(lost_work_s, f64, "s", result,
                    "work lost to failures since the last checkpoint, whole run")
        .run_term(),
    LLMSWEEP_COLUMN(restart_total_s, f64, "s", result,
                    "time recovering from failures (restart and restore), whole run")
        .run_term(),
    LLMSWEEP_COLUMN(checkpoint_interval_s, f64, "s", result,
                    "compute time between checkpoints (Young/Daly optimum)")
        .run_term(),
    LLMSWEEP_COLUMN(expected_failures, f64, "1", result, "expected failures over the run").run_term(),
    LLMSWEEP_COLUMN(cluster_mtbf_s, f64, "s", result,
                    "mean time between failures of the cluster (inf: failures off)")
        .run_term(),
    LLMSWEEP_COLUMN(failure_cap_gpus, f64, "GPUs", result,
                    "useful cluster size for this model under failures alone: beyond it a perfectly scaling "
                    "run gets longer (inf: failures off)")
        .run_term(),
    LLMSWEEP_COLUMN(wall_utilization, f64, "1", result,
                    "utilization over the wall time (= utilization without failures); the thresholds use it")
        .run_term(),
    LLMSWEEP_COLUMN(warmup_s, f64, "s", result,
                    "compute time of the batch ramp's phases before the last (in run_s)")
        .run_term(),
    LLMSWEEP_COLUMN(first_batch_seqs, i64, "sequences", result,
                    "batch of the ramp's first phase (= batch_seqs without)")
        .run_term(),
};

// The first column of files of kept rows (io::file_columns); files of every point leave it out,
// their row i being grid point i.
inline constexpr ColumnSpec kGridIndexColumn{
    "grid_index",
    ColumnType::i64,
    detail::typed_offset<decltype(Row::index), std::uint64_t>(offsetof(Row, index)),
    "1",
    "index of the row's point in the grid (mixed radix over the axes, the last fastest)",
    ColumnRole::input};

// The Row members no column holds: the plan's network levels, and explicit padding.
inline constexpr std::size_t kRowMembersWithoutColumn[] = {offsetof(Row, levels), offsetof(Row, pad0),
                                                           offsetof(Row, pad1)};

// Descriptions of the per_kind degree columns, in costmodel::Kind order.
inline constexpr std::array<std::string_view, costmodel::kKinds> kKindDegreeDescriptions = {
    "data-parallel degree", "tensor-parallel degree over d_model", "tensor-parallel degree over d_ff",
    "pipeline-parallel degree", "expert-parallel degree"};

namespace detail {

// Members of an aggregate: the most initializers T{...} takes (as Boost.PFR counts them).
struct AnyField {
  template <class T>
  constexpr operator T() const noexcept;  // declared only: used in requires-expressions
};

template <class T, std::size_t... I>
constexpr bool initializable_with(std::index_sequence<I...>) {
  return requires {
    T{(static_cast<void>(I), AnyField{})...};
  };
}

template <class T, std::size_t N = 0>
constexpr std::size_t aggregate_fields() {
  if constexpr (initializable_with<T>(std::make_index_sequence<N + 1>{}))
    return aggregate_fields<T, N + 1>();
  else
    return N;
}

consteval bool row_columns_consistent() {
  constexpr std::size_t n = std::size(kRowColumns);
  for (std::size_t i = 0; i < n; ++i) {
    const ColumnSpec& a = kRowColumns[i];
    // Categorical columns, and only they, say where their labels come from.
    if ((a.units == "code") != (a.labels != ColumnLabels::none)) return false;
    if (a.offset == kGridIndexColumn.offset) return false;
    for (std::size_t other : kRowMembersWithoutColumn)
      if (a.offset == other) return false;
    for (std::size_t j = i + 1; j < n; ++j)
      if (a.offset == kRowColumns[j].offset) return false;  // one entry per member
  }
  return true;
}

}  // namespace detail

static_assert(std::is_aggregate_v<Row> && std::is_standard_layout_v<Row>);
static_assert(detail::row_columns_consistent(),
              "each Row member has at most one entry, and categorical columns (units code) name labels");
static_assert(
    detail::aggregate_fields<Row>() == std::size(kRowColumns) + 1 + std::size(kRowMembersWithoutColumn),
    "every Row member needs an entry in kRowColumns (or kGridIndexColumn / kRowMembersWithoutColumn)");

}  // namespace llmsweep::grid

#undef LLMSWEEP_COLUMN
#undef LLMSWEEP_DEGREE_COLUMNS
