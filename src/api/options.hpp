// The options of the model commands (eval, plan, frontier, sensitivity), once for every front
// end: each struct holds the options' defaults, and its `fields` lists every option with its
// command-line name and help, in the order the command shows them. The CLI (src/cli) turns the
// list into CLI11 options; the Python module (src/python) into keyword arguments named like
// them (dashes as underscores). The checks live in api/commands.cpp, also once.
//
// A field's C++ type says how a front end treats it: bool is a flag; std::optional is an option
// with no default (the paper's law or "not checked" when absent); std::vector is a
// comma-separated list; anything else shows its default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "search/cluster.hpp"
#include "search/sensitivity.hpp"

namespace llmsweep::api {

// One option as a front end shows it: "--d-model", or "-o,--output" with a short alias.
struct OptionInfo {
  const char* name;
  const char* help;
  bool required = false;
};

// The name a keyword argument has: the last long name without dashes, '-' as '_'
// ("-o,--output" -> "output", "--d-model" -> "d_model").
std::string keyword_name(const char* option_name);

// How the cost model is chosen (costmodel::Options); every model command takes these. A new
// choice is one field here (with its line in `fields`) and its conversion in cost_model_options.
struct CostModelArgs {
  std::string zb_latency = "hidden";
  std::string model = "reference";  // costmodel::model_kind_name

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    v(a.zb_latency,
      OptionInfo{"--zb-latency",
                 "Zero-bubble pipeline latency: hidden (reference, quirk Q1) or max (corrected)"});
    v(a.model, OptionInfo{"--model",
                          "Cost model: reference (the original, docs/MODEL.md) or extended "
                          "(docs/MODEL-EXTENDED.md)"});
  }
};

// The hardware and one model, for eval and plan; sizes not given follow the paper's laws.
struct ModelArgs {
  std::string hardware;
  std::int64_t d_model = 0;
  std::optional<std::int64_t> d_ff;
  std::optional<std::int64_t> layers;
  std::int64_t experts = 1;
  std::optional<std::int64_t> batch_seqs;
  std::int64_t seq_len = 2048;
  std::string batch = "default";
  CostModelArgs cost_model;

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    v(a.hardware,
      OptionInfo{"--hardware", "Profile: file stem (h100-sxm), display name (\"H100 SXM\") or path", true});
    v(a.d_model, OptionInfo{"--d-model", "Model width d", true});
    v(a.d_ff, OptionInfo{"--d-ff", "MLP width f (default 4 x d_model)"});
    v(a.layers, OptionInfo{"--layers", "Layers L (default: the paper's depth law)"});
    v(a.experts, OptionInfo{"--experts", "Experts E (1 = dense)"});
    v(a.batch_seqs, OptionInfo{"--batch-seqs", "Batch in sequences (default: from --batch)"});
    v(a.seq_len, OptionInfo{"--seq-len", "Tokens per sequence"});
    v(a.batch, OptionInfo{"--batch", "Batch law when --batch-seqs is not given: default, deepseek, none"});
    CostModelArgs::fields(a.cost_model, v);
  }
};

// The overlap flags of a plan (the paper: TP and PP overlapped with compute, DP not).
struct OverlapArgs {
  int overlap_tp = 1;
  int overlap_dp = 0;
  int overlap_pp = 1;

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    v(a.overlap_tp, OptionInfo{"--overlap-tp", "Overlap TP comm with compute (0/1)"});
    v(a.overlap_dp, OptionInfo{"--overlap-dp", "Overlap DP comm with compute (0/1)"});
    v(a.overlap_pp, OptionInfo{"--overlap-pp", "Overlap PP/EP comm with compute (0/1)"});
  }
};

// eval: one run on one plan. Degrees per network level, inside a node first; none given = all 1.
struct EvalArgs {
  ModelArgs model;
  std::vector<std::int64_t> dp, tp_model, tp_ff, pp, ep;
  std::int64_t microbatches = 1;
  std::int64_t interleave = 1;
  std::optional<std::int64_t> gpus;
  bool zero_bubble = false;
  OverlapArgs overlaps;

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    ModelArgs::fields(a.model, v);
    constexpr const char* degrees =
        "Degrees per network level, inside a node first (e.g. 1,8); default all 1";
    v(a.dp, OptionInfo{"--dp", degrees});
    v(a.tp_model, OptionInfo{"--tp-model", degrees});
    v(a.tp_ff, OptionInfo{"--tp-ff", degrees});
    v(a.pp, OptionInfo{"--pp", degrees});
    v(a.ep, OptionInfo{"--ep", degrees});
    v(a.microbatches, OptionInfo{"--microbatches", "Microbatches m"});
    v(a.interleave, OptionInfo{"--interleave", "Interleaved pipeline stages per GPU v"});
    v(a.gpus, OptionInfo{"--gpus", "Check that the degrees multiply to this cluster size"});
    v(a.zero_bubble, OptionInfo{"--zero-bubble", "Zero-bubble pipeline schedule"});
    OverlapArgs::fields(a.overlaps, v);
  }
};

// plan: the best plan for a model on N GPUs.
struct PlanArgs {
  ModelArgs model;
  std::int64_t gpus = 0;
  bool no_zero_bubble = false;
  OverlapArgs overlaps;

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    ModelArgs::fields(a.model, v);
    v(a.gpus, OptionInfo{"--gpus", "Cluster size N", true});
    v(a.no_zero_bubble, OptionInfo{"--no-zero-bubble", "Do not consider zero-bubble schedules"});
    OverlapArgs::fields(a.overlaps, v);
  }
};

// frontier (and the scenario of sensitivity): hardware, experts, batch law, run limits.
struct FrontierArgs {
  std::string hardware;
  std::string experts = "dense";
  std::string batch = "default";
  bool no_zero_bubble = false;
  double months = search::kDefaultRunMonths;
  CostModelArgs cost_model;
  std::optional<std::string>
      cluster_sizes;  // none: the model's default (powers-of-two; domains for extended)
  std::string search = "reference";
  std::vector<std::int64_t> widths;  // empty: the paper's widths

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    v(a.hardware,
      OptionInfo{"--hardware", "Profile: file stem (h100-sxm), display name (\"H100 SXM\") or path", true});
    v(a.experts, OptionInfo{"--experts", "dense or sparse (width-scaled experts)"});
    v(a.batch, OptionInfo{"--batch", "Batch law: default, deepseek or none"});
    v(a.no_zero_bubble, OptionInfo{"--no-zero-bubble", "Do not consider zero-bubble schedules"});
    v(a.months, OptionInfo{"--months", "Run duration limit in months"});
    CostModelArgs::fields(a.cost_model, v);
    v(a.cluster_sizes,
      OptionInfo{"--cluster-sizes",
                 "Cluster sizes: powers-of-two (E x 2^i, the reference's default), fill-levels (rounded up "
                 "to whole NVLink domains), pow2-domains (a power of two of each domain's GPUs, e.g. 64 of "
                 "72) or domains (both, whichever is smaller; the extended model's default)"});
    v(a.search, OptionInfo{"--search",
                           "Plan search: reference, exhaustive (no flattened-profile pruning, quirk Q2), "
                           "all-microbatches (quirk Q3) or corrected (both)"});
    v(a.widths, OptionInfo{"--widths", "Widths to walk instead of the paper's set (comma-separated)"});
  }
};

// sensitivity: the frontier's scenario, the factors each number is scaled by, an optional file.
struct SensitivityArgs {
  FrontierArgs frontier;
  std::vector<double> step = search::kDefaultSensitivitySteps;
  std::optional<double> factor;  // one step only: the same as step = {factor}
  std::optional<std::string> output;
  bool overwrite = false;

  template <class Self, class V>
  static void fields(Self& a, V&& v) {
    FrontierArgs::fields(a.frontier, v);
    v(a.step, OptionInfo{"--step",
                         "Factors each number is divided and multiplied by, comma-separated (default 1.25,2: "
                         "the local elasticity and the paper-era factor, side by side)"});
    v(a.factor, OptionInfo{"--factor", "One step only: the same as --step FACTOR"});
    v(a.output,
      OptionInfo{"-o,--output", "Also write the results to this HDF5 file (for the analysis report)"});
    v(a.overwrite, OptionInfo{"--overwrite", "Replace an existing --output file"});
  }
};

}  // namespace llmsweep::api
