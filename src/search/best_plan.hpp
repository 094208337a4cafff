// The best plan for a model on N GPUs (MODEL.md section 6), with its exact enumeration order,
// flattened-profile pruning and tie-break.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "costmodel/evaluate.hpp"
#include "costmodel/hardware.hpp"
#include "costmodel/model.hpp"
#include "costmodel/options.hpp"
#include "costmodel/plan.hpp"
#include "search/divisors.hpp"

namespace llmsweep::search {

// Cluster sizes reach E * 2^59 in the cluster search, past 2^63.
using GpuCount = __int128;

inline constexpr auto kAllKindsMask = static_cast<std::uint8_t>((1u << costmodel::kKinds) - 1);

// Whether a plan's top-level degrees are all of kinds the mask allows there.
inline bool top_level_allowed(const costmodel::Plan& plan, std::uint8_t kinds) {
  if (kinds == kAllKindsMask) return true;
  for (int k = 0; k < costmodel::kKinds; ++k)
    if (!((kinds >> k) & 1u) && plan.at(static_cast<costmodel::Kind>(k), plan.levels - 1) > 1) return false;
  return true;
}

struct SearchOptions {
  costmodel::Options model;
  bool allow_zero_bubble = true;
  bool overlap_tp = true;
  bool overlap_dp = false;
  bool overlap_pp = true;
  // Q2: the reference prunes with the flattened profile, which is not a strict lower bound.
  bool prune_flattened = true;
  // Q3: the reference tries the first 4 microbatch counts (1 with zero-bubble); 0 tries all.
  int microbatch_candidates = 4;
  // Extended, training across sites (docs/MODEL-EXTENDED.md E6): bit k set when kind k may have
  // a degree above 1 at the top network level. All set (the reference) restricts nothing.
  std::uint8_t top_level_kinds = kAllKindsMask;
  bool operator==(const SearchOptions&) const = default;
};

// The reference search and its corrections (MODEL.md quirks Q2, Q3), by name: `--search`, the
// spec's [run] search, the results file's search column and the analysis all use this one pair.
enum class SearchVariant : std::uint8_t {
  reference = 0,         // flattened-profile pruning, 4 microbatch counts
  exhaustive = 1,        // no pruning (Q2)
  all_microbatches = 2,  // every microbatch count (Q3)
  corrected = 3,         // both
};
inline constexpr std::array<SearchVariant, 4> kAllSearchVariants{
    SearchVariant::reference, SearchVariant::exhaustive, SearchVariant::all_microbatches,
    SearchVariant::corrected};
std::string_view search_variant_name(SearchVariant v);
std::optional<SearchVariant> search_variant_from_name(std::string_view name);
// What a variant sets in the search's options, and the variant options name (none: a mix the
// names do not cover, e.g. 3 microbatch counts).
void apply_search_variant(SearchVariant v, SearchOptions& o);
std::optional<SearchVariant> search_variant_of(bool prune_flattened, int microbatch_candidates);

struct SearchResult {
  costmodel::Status status = costmodel::Status::no_plan;
  costmodel::Plan plan;
  costmodel::Evaluation evaluation;
  bool found() const { return status == costmodel::Status::ok; }
};

// One search context per (hardware, model, options): memoises matmul times, divisor lists and
// level factorisations across the cluster sizes it is asked about.
class PlanSearch {
 public:
  PlanSearch(const costmodel::Machine& machine, const costmodel::Model& model, const SearchOptions& options);

  SearchResult best(GpuCount gpus);

  // Plans evaluated so far (flattened and per-partition), for benchmarks.
  std::uint64_t evaluations() const { return evaluations_; }

 private:
  struct Totals {
    std::int64_t dp, tp_model, tp_ff, pp, ep, microbatches, interleave;
    bool zero_bubble;
  };
  double step_matmul(const Totals& t);
  void try_partitions(const Totals& t, GpuCount gpus, double matmul_s, SearchResult& best);
  void consider(const costmodel::Plan& plan, double matmul_s, SearchResult& best);

  const costmodel::Machine& machine_;
  costmodel::Machine flat_;
  costmodel::Model model_;
  SearchOptions options_;
  DivisorCache cache_;
  struct ShardKey {
    std::int64_t fs, ds, bs;
    bool operator==(const ShardKey&) const = default;
  };
  struct ShardHash {
    std::size_t operator()(const ShardKey& k) const;
  };
  std::unordered_map<ShardKey, double, ShardHash> layer_time_;  // matmul time per (fs, ds, bs)
  std::vector<std::int64_t> adjusted_;
  std::uint64_t evaluations_ = 0;
};

// The tie rule of MODEL.md section 6 step 7: whether a candidate replaces the plan kept so far.
// A smaller run time wins; on an exact tie the candidate wins when (BTP + BDP) + BPE of the
// candidate is below (BTP* + BPE*) + BDP* of the kept plan (per-run comm times), so a later plan
// with the same terms can win by one ulp, as in the original.
bool replaces_kept_plan(const costmodel::Evaluation& candidate, const costmodel::Evaluation& kept);

// Convenience for one-off searches.
SearchResult best_plan(const costmodel::Machine& machine, const costmodel::Model& model, GpuCount gpus,
                       const SearchOptions& options = {});

// Level sizes adjusted to a cluster of `gpus` (section 6): full levels while they fit, the
// remainder at the first level that reaches N, 1 above it.
std::vector<std::int64_t> adjusted_level_sizes(const std::vector<std::int64_t>& level_sizes, GpuCount gpus);

// Whether N fills the network levels below the top (section 6 precondition).
bool fits_levels(const std::vector<std::int64_t>& level_sizes, GpuCount gpus);

}  // namespace llmsweep::search
