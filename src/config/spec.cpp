#include "config/spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "config/axis_values.hpp"
#include "config/degrees.hpp"
#include "config/file_text.hpp"
#include "config/run_terms_config.hpp"
#include "config/toml_reader.hpp"
#include "grid/grid.hpp"
#include "grid/schema.hpp"

namespace llmsweep::config {
namespace {

using detail::as_number;
using detail::booleans;
using detail::Ctx;
using detail::degrees;
using detail::elements;
using detail::kMaxAxisValues;
using detail::number_text;
using detail::positive_integers;
using detail::positive_numbers;
using detail::Problems;
using detail::Range;
using detail::read_range;
using detail::TableReader;
using detail::words;

void read_width(TableReader& r, Ctx& ctx, grid::Axes& axes) {
  const char* keys[] = {"d_model", "widths", "compute_flop"};
  int given = 0;
  for (const char* k : keys) given += r.has(k) ? 1 : 0;
  if (given != 1) {
    for (const char* k : keys) r.node(k);
    r.error(given == 0 ? "d_model" : "widths",
            given == 0
                ? "the model needs a width axis: one of d_model (list), widths ({from, to}: the paper's "
                  "width set in a range) or compute_flop (targets)"
                : "give only one of d_model, widths and compute_flop");
    return;
  }
  if (r.has("d_model")) {
    // Ascending, so that the width axis walks a frontier in order.
    std::vector<std::int64_t> widths = positive_integers(r, ctx, "d_model", {}, costmodel::kMaxModelInteger);
    std::sort(widths.begin(), widths.end());
    for (std::int64_t d : widths) axes.width.push_back({d, 0});
    return;
  }
  if (r.has("widths")) {
    const toml::table* t = r.table("widths", true);
    if (!t) return;
    const Range range = read_range(*t, r.path("widths"), ctx.problems, false);
    if (!range.ok) return;
    // Clamped before the conversion: the paper's widths all lie far below 2^53.
    const double cap = static_cast<double>(costmodel::kMaxModelInteger);
    const auto lo = static_cast<std::int64_t>(std::ceil(std::min(range.from, cap)));
    const auto hi = static_cast<std::int64_t>(std::floor(std::min(range.to, cap)));
    for (std::int64_t d : search::paper_widths(lo, hi)) axes.width.push_back({d, 0});
    if (axes.width.empty()) r.error("widths", "no width of the paper's set lies in this range");
    return;
  }
  const toml::node* n = r.node("compute_flop");
  if (const toml::table* t = n->as_table()) {
    const Range range = read_range(*t, r.path("compute_flop"), ctx.problems, true);
    if (!range.ok) return;
    const double lo = std::log10(range.from);
    const double hi = std::log10(range.to);
    // Counted before the loop: at most 1000 per decade over ~630 decades of doubles.
    const double steps_d = std::floor((hi - lo) * range.per_decade + 1e-9);
    if (steps_d + 1 > static_cast<double>(kMaxAxisValues)) {
      r.error("compute_flop", number_text(steps_d + 1) + " compute targets, more than the limit of " +
                                  std::to_string(kMaxAxisValues) + " per axis");
      return;
    }
    const auto steps = static_cast<long>(steps_d);
    for (long i = 0; i <= steps; ++i)
      axes.width.push_back({0, std::pow(10.0, lo + static_cast<double>(i) / range.per_decade)});
    return;
  }
  std::vector<double> targets = positive_numbers(r, ctx, "compute_flop", {});
  std::sort(targets.begin(), targets.end());
  for (double c : targets) axes.width.push_back({0, c});
}

// Every explicit width with every d_ff ratio must stay inside validate_model's d x f.
void check_widths(TableReader& r, const grid::Axes& axes) {
  for (const grid::WidthValue& w : axes.width) {
    if (w.d_model == 0) continue;
    for (double ratio : axes.ff_ratio) {
      const std::int64_t d_ff = search::ff_for(w.d_model, ratio);
      const auto area = static_cast<unsigned __int128>(w.d_model) * static_cast<unsigned __int128>(d_ff);
      if (d_ff < 1 || area > static_cast<unsigned __int128>(costmodel::kMaxModelInteger)) {
        r.error("d_model", "d_model " + std::to_string(w.d_model) + " with d_ff_ratio " + number_text(ratio) +
                               " gives d_ff " + std::to_string(d_ff) +
                               (d_ff < 1 ? "" : ": d_model x d_ff is above the limit of 2^53"));
        return;
      }
    }
  }
}

void read_model(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("model", true);
  if (!t) return;
  TableReader r(*t, "model", ctx.problems);
  read_width(r, ctx, axes);
  axes.ff_ratio = positive_numbers(r, ctx, "d_ff_ratio", {4}, false, kMaxFfRatio);
  check_widths(r, axes);
  const bool explicit_layers = r.has("layers");
  if (explicit_layers && (r.has("depth_multiplier") || r.has("depth_exponent"))) {
    r.node("depth_multiplier");
    r.node("depth_exponent");
    r.error("layers", "give either layers or the depth law (depth_multiplier, depth_exponent), not both");
  } else if (explicit_layers) {
    axes.depth.clear();
    for (std::int64_t l : positive_integers(r, ctx, "layers", {}, costmodel::kMaxModelInteger))
      axes.depth.push_back({l, {}});
  } else {
    std::vector<double> multipliers = positive_numbers(r, ctx, "depth_multiplier", {1});
    std::vector<std::optional<double>> exponents{std::nullopt};
    if (r.has("depth_exponent")) {
      exponents.clear();
      for (double e : positive_numbers(r, ctx, "depth_exponent", {})) exponents.emplace_back(e);
    } else {
      r.node("depth_exponent");
    }
    axes.depth.clear();
    if (multipliers.size() * exponents.size() > kMaxAxisValues) {
      r.error("depth_exponent", "depth_multiplier x depth_exponent make " +
                                    std::to_string(multipliers.size() * exponents.size()) +
                                    " depth laws, more than the limit of " + std::to_string(kMaxAxisValues));
      multipliers.clear();
    }
    for (double m : multipliers)
      for (const auto& e : exponents) axes.depth.push_back({0, search::DepthLaw{m, e}});
  }
  axes.experts.clear();
  if (!r.has("experts")) {
    r.node("experts");
    axes.experts.push_back({});
  }
  std::set<std::string> seen;
  for (const toml::node* e : elements(r, "experts")) {
    grid::ExpertsValue v;
    std::string label;
    if (e->is_string()) {
      label = e->as_string()->get();
      if (label == "dense")
        v.rule = grid::ExpertsRule::dense;
      else if (label == "width-scaled" || label == "sparse")
        v.rule = grid::ExpertsRule::width_scaled, label = std::string(grid::experts_rule_name(v.rule));
      else {
        ctx.bad(r.path("experts"), e,
                "unknown value '" + detail::shorten(label) +
                    "'; expected dense, sparse (width-scaled) or a count");
        continue;
      }
    } else if (e->is_integer() && e->as_integer()->get() > costmodel::kMaxExperts) {
      ctx.bad(r.path("experts"), e,
              "value " + std::to_string(e->as_integer()->get()) + " is above the limit of 2^30 experts");
      continue;
    } else if (e->is_integer() && e->as_integer()->get() > 0) {
      v.rule = grid::ExpertsRule::count;
      v.count = e->as_integer()->get();
      label = std::to_string(v.count);
    } else {
      ctx.bad(r.path("experts"), e, "expected dense, sparse (width-scaled) or a positive count");
      continue;
    }
    if (!seen.insert(label).second) {
      ctx.bad(r.path("experts"), e, "duplicate value '" + label + "'");
      continue;
    }
    axes.experts.push_back(v);
  }
  axes.seq_len = positive_integers(r, ctx, "seq_len", {2048}, costmodel::kMaxModelInteger);
  r.finish();
}

void read_batch(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("batch", false);
  if (!t) return;
  TableReader r(*t, "batch", ctx.problems);
  if (r.has("tokens")) {
    for (const char* k : {"policy", "exponent", "multiplier"})
      if (r.has(k)) r.error(k, "give either tokens or a batch law (policy, exponent, multiplier), not both");
    for (const char* k : {"policy", "exponent", "multiplier"}) r.node(k);
    axes.batch.clear();
    for (std::int64_t tokens : positive_integers(r, ctx, "tokens", {}, costmodel::kMaxModelInteger)) {
      grid::BatchValue v;
      v.tokens = tokens;
      axes.batch.push_back(v);
    }
    for (std::int64_t s : axes.seq_len)
      for (const auto& b : axes.batch)
        if (b.tokens % s != 0)
          r.error("tokens", "tokens " + std::to_string(b.tokens) + " is not a multiple of seq_len " +
                                std::to_string(s));
    axes.batch_multiplier = {1};
    r.finish();
    return;
  }
  const std::vector<std::string> policies =
      words(r, ctx, "policy", {"default"}, {"default", "deepseek", "none", "power", "step-law"});
  const bool power = std::find(policies.begin(), policies.end(), "power") != policies.end();
  std::vector<double> exponents;
  if (power) {
    if (!r.has("exponent")) r.error("policy", "policy 'power' needs an exponent list in [batch]");
    exponents = positive_numbers(r, ctx, "exponent", {}, true);
  } else if (r.has("exponent")) {
    r.node("exponent");
    r.error("exponent", "exponent only applies to policy 'power'");
  }
  axes.batch.clear();
  for (const std::string& p : policies) {
    if (p == "power") {
      for (double e : exponents) {
        grid::BatchValue v;
        v.law.policy = search::BatchPolicy::power;
        v.law.exponent = e;
        axes.batch.push_back(v);
      }
    } else {
      grid::BatchValue v;
      v.law.policy = *search::batch_policy_from_name(p);
      axes.batch.push_back(v);
    }
  }
  axes.batch_multiplier = positive_numbers(r, ctx, "multiplier", {1});
  r.finish();
}

void read_run(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("run", false);
  if (!t) return;
  TableReader r(*t, "run", ctx.problems);
  axes.run_months =
      positive_numbers(r, ctx, "months", {search::kDefaultRunMonths}, false, search::kMaxRunMonths);
  axes.zero_bubble_allowed = booleans(r, ctx, "zero_bubble", {true});
  std::vector<std::string> model_names;
  for (costmodel::ModelKind k : costmodel::kAllModelKinds)
    model_names.emplace_back(costmodel::model_kind_name(k));
  axes.model_kind.clear();
  for (const std::string& m : words(r, ctx, "model", {model_names.front()}, model_names))
    axes.model_kind.push_back(*costmodel::model_kind_from_name(m));
  axes.zb_latency.clear();
  std::vector<std::string> zb_names, search_names;
  for (costmodel::ZbLatency z : costmodel::kAllZbLatencies)
    zb_names.emplace_back(costmodel::zb_latency_name(z));
  for (const std::string& z : words(r, ctx, "zb_latency", {zb_names.front()}, zb_names))
    axes.zb_latency.push_back(*costmodel::zb_latency_from_name(z));
  axes.search.clear();
  for (search::SearchVariant v : search::kAllSearchVariants)
    search_names.emplace_back(search::search_variant_name(v));
  for (const std::string& s : words(r, ctx, "search", {search_names.front()}, search_names))
    axes.search.push_back(*search::search_variant_from_name(s));
  if (auto v = r.boolean("overlap_tp", false)) axes.overlap_tp = *v;
  if (auto v = r.boolean("overlap_dp", false)) axes.overlap_dp = *v;
  if (auto v = r.boolean("overlap_pp", false)) axes.overlap_pp = *v;
  r.finish();
}

void read_cluster(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("cluster", false);
  if (!t) return;
  TableReader r(*t, "cluster", ctx.problems);
  if (r.has("gpus"))
    axes.gpus = positive_integers(r, ctx, "gpus", {});
  else
    r.node("gpus");
  axes.cluster_sizes.clear();  // absent: each point takes its model kind's default
  std::vector<std::string> size_names;
  for (auto c : {search::ClusterSizes::powers_of_two, search::ClusterSizes::fill_levels,
                 search::ClusterSizes::pow2_domains, search::ClusterSizes::domains})
    size_names.emplace_back(search::cluster_sizes_name(c));
  for (const std::string& s : words(r, ctx, "sizes", {}, size_names))
    axes.cluster_sizes.push_back(*search::cluster_sizes_from_name(s));
  if (r.has("sizes") && r.has("gpus"))
    r.error("sizes", "sizes only applies to the smallest-cluster search; remove it or gpus");
  r.finish();
}

void read_parallelism(TableReader& top, Ctx& ctx, grid::Axes& axes, const std::vector<Profile>& profiles) {
  const toml::table* t = top.table("parallelism", false);
  if (!t) return;
  TableReader r(*t, "parallelism", ctx.problems);
  int levels = profiles.empty() ? 1 : profiles.front().hardware.levels();
  bool agree = true;
  for (const Profile& p : profiles) agree = agree && p.hardware.levels() == levels;
  grid::ExplicitParallelism p;
  p.dp = degrees(r, ctx, "dp", levels, agree);
  p.tp_model = degrees(r, ctx, "tp_model", levels, agree);
  p.tp_ff = degrees(r, ctx, "tp_ff", levels, agree);
  p.pp = degrees(r, ctx, "pp", levels, agree);
  p.ep = degrees(r, ctx, "ep", levels, agree);
  if (!r.has("microbatches")) r.error("microbatches", "explicit parallelism needs a microbatches list");
  // Both are bounded by the model: m by the tokens of a batch, v x PP by the layers (<= 2^53).
  p.microbatches = positive_integers(r, ctx, "microbatches", {1}, costmodel::kMaxModelInteger);
  if (!r.has("interleave")) {
    r.node("interleave");
    p.interleave = {0};
  }
  std::set<std::int64_t> seen;
  for (const toml::node* e : elements(r, "interleave")) {
    std::int64_t v = -1;
    if (e->is_string() && e->as_string()->get() == "auto")
      v = 0;
    else if (e->is_integer() && e->as_integer()->get() > 0)
      v = e->as_integer()->get();
    if (v > costmodel::kMaxModelInteger) {
      ctx.bad(r.path("interleave"), e, "value " + std::to_string(v) + " is above the limit of 2^53");
      continue;
    }
    if (v < 0) {
      ctx.bad(r.path("interleave"), e, "expected \"auto\" or a positive integer");
      continue;
    }
    if (!seen.insert(v).second) {
      ctx.bad(r.path("interleave"), e, "duplicate value");
      continue;
    }
    p.interleave.push_back(v);
  }
  p.zero_bubble = booleans(r, ctx, "zero_bubble", {false});
  r.finish();
  if (!axes.gpus.empty())
    ctx.problems.add("cluster.gpus", "explicit parallelism fixes the cluster size; remove cluster.gpus");
  axes.parallelism = std::move(p);
}

std::string fmt(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

bool run_axis_is_default(const grid::Axes& axes, grid::Axis axis) {
  switch (axis) {
    case grid::Axis::failures:
      return axes.failures.size() == 1 && axes.failures.front().is_default();
    case grid::Axis::sites:
      return axes.sites.size() == 1 && axes.sites.front().is_default();
    case grid::Axis::ramp:
      return axes.ramp.size() == 1 && axes.ramp.front().is_default();
    default:
      return false;
  }
}

// Everything that decides the rows, in a stable text form.
std::string canonical_of(const grid::Grid& g, const std::vector<Profile>& profiles) {
  const grid::Axes& axes = g.axes();
  std::ostringstream s;
  s << "llmsweep-grid schema=" << grid::kSchemaVersion << "\n";
  for (const Profile& p : profiles) {
    const costmodel::Hardware& h = p.hardware;
    s << "hardware " << p.stem << " name=" << h.name << " bits=" << h.bits
      << " fpc=" << fmt(h.flop_per_clock_per_thread) << " regs=" << fmt(h.register_bytes_per_block)
      << " sms=" << h.sms << " l2bw=" << fmt(h.l2_bandwidth_Bps) << " l2=" << fmt(h.l2_bytes)
      << " hbm=" << fmt(h.hbm_bandwidth_Bps) << " clock=" << fmt(h.max_clock_hz)
      << " cap=" << fmt(h.utilization_cap) << " dsmem=" << h.dsmem << " mem=" << fmt(h.memory_bytes)
      << " klat=" << fmt(h.kernel_latency_s) << " levels=";
    for (auto l : h.level_sizes) s << l << ",";
    s << " bw=";
    for (double b : h.link_bandwidth_Bps) s << fmt(b) << ",";
    s << " lat=";
    for (double l : h.link_latency_s) s << fmt(l) << ",";
    // The extended model's numbers (docs/MODEL-EXTENDED.md), so that changing one refuses --resume.
    s << " tmem=" << fmt(h.tensor_memory_bytes) << " pair=" << h.cta_pair_mma
      << " engine=" << static_cast<int>(h.engine) << " peak=" << fmt(h.systolic_peak_flops)
      << " onchip=" << fmt(h.onchip_memory_bytes) << " array=" << h.systolic_array_dim << " topology=";
    for (auto t : h.topology) s << static_cast<int>(t) << ",";
    s << " torus=";
    for (auto d : h.torus_dims) s << d << ",";
    s << detail::canonical_run_tables(h) << "\n";
  }
  for (int a = 0; a < grid::kAxisCount; ++a) {
    const auto axis = static_cast<grid::Axis>(a);
    // The run-term axes appear only when a spec gives them, so older specs keep their hash.
    if (run_axis_is_default(axes, axis)) continue;
    s << grid::axis_name(axis) << ":";
    for (const auto& l : g.axis_labels(axis)) s << " [" << l << "]";
    s << "\n";
  }
  // Labels round numbers to 10 digits; the exact values follow.
  s << "exact:";
  for (const auto& w : axes.width) s << " " << w.d_model << "/" << fmt(w.target_flop);
  for (double r : axes.ff_ratio) s << " " << fmt(r);
  for (const auto& d : axes.depth)
    s << " " << d.layers << "/" << fmt(d.law.multiplier) << "/"
      << (d.law.exponent ? fmt(*d.law.exponent) : "-");
  for (const auto& b : axes.batch) s << " " << b.tokens << "/" << fmt(b.law.exponent);
  for (double m : axes.batch_multiplier) s << " " << fmt(m);
  for (double m : axes.run_months) s << " " << fmt(m);
  for (const auto& f : axes.failures)
    for (const auto& v : axes.sites)
      for (const auto& r : axes.ramp)
        if (!(f.is_default() && v.is_default() && r.is_default()))
          s << " " << grid::exact_run_values(f, v, r);
  s << "\noverlap tp=" << axes.overlap_tp << " dp=" << axes.overlap_dp << " pp=" << axes.overlap_pp << "\n";
  return s.str();
}

void read_hardware(TableReader& top, Ctx& ctx, const ProfileResolver& resolve, SweepSpec& spec) {
  const toml::table* h = top.table("hardware", true);
  if (!h) return;
  TableReader r(*h, "hardware", ctx.problems);
  if (!r.has("profiles")) r.error("profiles", "missing required list of hardware profiles");
  const std::vector<const toml::node*> names = elements(r, "profiles");
  if (names.size() > kMaxProfiles) {
    r.error("profiles", std::to_string(names.size()) + " profiles, more than the limit of " +
                            std::to_string(kMaxProfiles));
    return;
  }
  std::set<std::string> seen, seen_names;
  for (const toml::node* e : names) {
    if (!e->is_string()) {
      ctx.bad("hardware.profiles", e, "expected a profile name");
      continue;
    }
    const std::string& name = e->as_string()->get();
    // The same name twice is refused before its file is read again.
    if (!seen_names.insert(name).second) {
      ctx.bad("hardware.profiles", e, "duplicate profile '" + detail::shorten(name) + "'");
      continue;
    }
    try {
      Profile p = resolve(name);
      if (!seen.insert(p.stem).second) {
        ctx.bad("hardware.profiles", e, "duplicate profile '" + p.stem + "'");
        continue;
      }
      spec.profiles.push_back(std::move(p));
      spec.profile_refs.push_back(name);
    } catch (const Error& err) {
      ctx.bad("hardware.profiles", e, err.what());
    }
  }
  r.finish();
}

}  // namespace

// [output]: which rows are kept (grid/keep.hpp).
static void read_output(TableReader& top, Ctx& ctx, SweepSpec& spec, int levels) {
  const toml::table* t = top.table("output", false);
  if (!t) return;
  TableReader r(*t, "output", ctx.problems);
  if (auto keep = r.string("keep", false)) {
    const auto k = grid::keep_from_name(*keep);
    if (!k) {
      const auto hint = detail::did_you_mean(*keep, {"all", "feasible", "best"});
      r.error("keep", "unknown value '" + *keep + "'" + (hint ? " (did you mean '" + *hint + "'?)" : "") +
                          "; expected all, feasible or best");
    } else {
      spec.keep.keep = *k;
    }
  }
  const bool best = spec.keep.keep == grid::Keep::best;
  if (auto by = r.strings("by", false)) {
    if (!best) r.error("by", "only keep = \"best\" groups rows");
    const std::vector<std::string> columns = grid::groupable_columns(levels);
    std::set<std::string> seen;
    for (const std::string& name : *by) {
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
        const auto hint = detail::did_you_mean(name, columns);
        r.error("by", "'" + name + "' is not an input column of /points" +
                          (hint ? " (did you mean '" + *hint + "'?)" : std::string()));
      } else if (!seen.insert(name).second) {
        r.error("by", "'" + name + "' is named twice");
      }
    }
    spec.keep.by = *by;
  } else if (best) {
    r.error("by",
            "keep = \"best\" needs by, the input columns that define a group (e.g. [\"hardware\", "
            "\"d_model\"])");
  }
  if (auto count = r.integer("count", false)) {
    if (!best) r.error("count", "only keep = \"best\" takes a count");
    if (*count < 1 || *count > 1'000'000)
      r.error("count", "must be between 1 and 1000000, got " + std::to_string(*count));
    else
      spec.keep.count = static_cast<std::uint32_t>(*count);
  }
  r.finish();
}

SweepSpec parse_spec(const std::string& text, const std::string& path, const std::string& profile_dir) {
  return parse_spec(text, path,
                    [&profile_dir](const std::string& ref) { return resolve_profile(ref, profile_dir); });
}

SweepSpec parse_spec(const std::string& text, const std::string& path, const ProfileResolver& resolve) {
  const toml::table doc = detail::parse_text(text, path);
  Problems problems(path);
  Ctx ctx{problems};
  TableReader top(doc, "", problems);
  SweepSpec spec;
  spec.path = path;
  spec.text = text;
  spec.name = std::filesystem::path(path).stem().string();
  if (const toml::table* s = top.table("sweep", false)) {
    TableReader r(*s, "sweep", problems);
    if (auto v = r.string("name", false)) spec.name = *v;
    if (auto v = r.string("description", false)) spec.description = *v;
    r.finish();
  }
  read_hardware(top, ctx, resolve, spec);
  read_model(top, ctx, spec.axes);
  read_batch(top, ctx, spec.axes);
  read_run(top, ctx, spec.axes);
  read_cluster(top, ctx, spec.axes);
  read_parallelism(top, ctx, spec.axes, spec.profiles);
  detail::read_run_axes(top, ctx, spec.axes);
  int levels = 1;
  for (const Profile& p : spec.profiles)
    levels = std::max(levels, p.hardware.levels() + detail::extra_site_levels(spec.axes, p.hardware));
  read_output(top, ctx, spec, levels);
  top.finish();
  if (problems.empty()) detail::check_run_axes(doc, spec.axes, spec.profiles, problems);
  problems.throw_if_any();
  for (const Profile& p : spec.profiles) {
    spec.axes.hardware.push_back({p.stem, costmodel::make_machine(p.hardware)});
    spec.max_levels =
        std::max(spec.max_levels, p.hardware.levels() + detail::extra_site_levels(spec.axes, p.hardware));
  }
  std::optional<grid::Grid> g;
  try {
    g.emplace(spec.axes);
  } catch (const std::overflow_error&) {
    throw ConfigError(path, "", 0, 0,
                      "the grid's axes multiply to more than 2^64 - 1 points, too many to index: split the "
                      "spec into smaller ones");
  }
  spec.canonical = canonical_of(*g, spec.profiles) + "output " + grid::describe(spec.keep) + "\n";
  spec.hash = sha256_hex(spec.canonical);
  return spec;
}

SweepSpec load_spec(const std::string& path, const std::string& profile_dir) {
  return parse_spec(detail::read_config_file(path, "sweep spec"), path, profile_dir);
}

}  // namespace llmsweep::config
