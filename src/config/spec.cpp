#include "config/spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "config/axis_values.hpp"
#include "config/run_terms_config.hpp"
#include "config/toml_reader.hpp"
#include "grid/grid.hpp"
#include "grid/schema.hpp"

namespace llmsweep::config {
namespace {

using detail::as_number;
using detail::booleans;
using detail::Ctx;
using detail::elements;
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
    std::vector<std::int64_t> widths = positive_integers(r, ctx, "d_model", {});
    std::sort(widths.begin(), widths.end());
    for (std::int64_t d : widths) axes.width.push_back({d, 0});
    return;
  }
  if (r.has("widths")) {
    const toml::table* t = r.table("widths", true);
    if (!t) return;
    const Range range = read_range(*t, r.path("widths"), ctx.problems, false);
    if (!range.ok) return;
    const auto lo = static_cast<std::int64_t>(std::ceil(range.from));
    const auto hi = static_cast<std::int64_t>(std::floor(std::min(range.to, 9.0e15)));
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
    const auto steps = static_cast<long>(std::floor((hi - lo) * range.per_decade + 1e-9));
    for (long i = 0; i <= steps; ++i)
      axes.width.push_back({0, std::pow(10.0, lo + static_cast<double>(i) / range.per_decade)});
    return;
  }
  std::vector<double> targets = positive_numbers(r, ctx, "compute_flop", {});
  std::sort(targets.begin(), targets.end());
  for (double c : targets) axes.width.push_back({0, c});
}

void read_model(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("model", true);
  if (!t) return;
  TableReader r(*t, "model", ctx.problems);
  read_width(r, ctx, axes);
  axes.ff_ratio = positive_numbers(r, ctx, "d_ff_ratio", {4});
  const bool explicit_layers = r.has("layers");
  if (explicit_layers && (r.has("depth_multiplier") || r.has("depth_exponent"))) {
    r.node("depth_multiplier");
    r.node("depth_exponent");
    r.error("layers", "give either layers or the depth law (depth_multiplier, depth_exponent), not both");
  } else if (explicit_layers) {
    axes.depth.clear();
    for (std::int64_t l : positive_integers(r, ctx, "layers", {})) axes.depth.push_back({l, {}});
  } else {
    const std::vector<double> multipliers = positive_numbers(r, ctx, "depth_multiplier", {1});
    std::vector<std::optional<double>> exponents{std::nullopt};
    if (r.has("depth_exponent")) {
      exponents.clear();
      for (double e : positive_numbers(r, ctx, "depth_exponent", {})) exponents.emplace_back(e);
    } else {
      r.node("depth_exponent");
    }
    axes.depth.clear();
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
        v.rule = grid::ExpertsRule::width_scaled, label = "width-scaled";
      else {
        ctx.bad(r.path("experts"), e,
                "unknown value '" + label + "'; expected dense, width-scaled or a count");
        continue;
      }
    } else if (e->is_integer() && e->as_integer()->get() > 0) {
      v.rule = grid::ExpertsRule::count;
      v.count = e->as_integer()->get();
      label = std::to_string(v.count);
    } else {
      ctx.bad(r.path("experts"), e, "expected dense, width-scaled or a positive count");
      continue;
    }
    if (!seen.insert(label).second) {
      ctx.bad(r.path("experts"), e, "duplicate value '" + label + "'");
      continue;
    }
    axes.experts.push_back(v);
  }
  axes.seq_len = positive_integers(r, ctx, "seq_len", {2048});
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
    for (std::int64_t tokens : positive_integers(r, ctx, "tokens", {})) {
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
      words(r, ctx, "policy", {"default"}, {"default", "deepseek", "none", "power"});
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
  axes.run_months = positive_numbers(r, ctx, "months", {3});
  axes.zero_bubble_allowed = booleans(r, ctx, "zero_bubble", {true});
  std::vector<std::string> model_names;
  for (costmodel::ModelKind k : costmodel::kAllModelKinds)
    model_names.emplace_back(costmodel::model_kind_name(k));
  axes.model_kind.clear();
  for (const std::string& m : words(r, ctx, "model", {model_names.front()}, model_names))
    axes.model_kind.push_back(*costmodel::model_kind_from_name(m));
  axes.zb_latency.clear();
  for (const std::string& z : words(r, ctx, "zb_latency", {"hidden"}, {"hidden", "max"}))
    axes.zb_latency.push_back(z == "hidden" ? costmodel::ZbLatency::hidden : costmodel::ZbLatency::max);
  axes.search.clear();
  for (const std::string& s :
       words(r, ctx, "search", {"reference"}, {"reference", "exhaustive", "all-microbatches", "corrected"})) {
    grid::SearchVariant v;
    v.prune_flattened = !(s == "exhaustive" || s == "corrected");
    v.microbatch_candidates = (s == "all-microbatches" || s == "corrected") ? 0 : 4;
    axes.search.push_back(v);
  }
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
  axes.cluster_sizes.clear();
  for (const std::string& s :
       words(r, ctx, "sizes", {"powers-of-two"}, {"powers-of-two", "fill-levels", "pow2-domains"}))
    axes.cluster_sizes.push_back(*search::cluster_sizes_from_name(s));
  if (r.has("sizes") && r.has("gpus"))
    r.error("sizes", "sizes only applies to the smallest-cluster search; remove it or gpus");
  r.finish();
}

// Every ordered way to write `total` as a product of `levels` factors, inside a node first.
void splits(std::int64_t total, int levels, std::vector<std::int64_t>& current,
            std::vector<std::vector<std::int64_t>>& out) {
  if (static_cast<int>(current.size()) == levels - 1) {
    current.push_back(total);
    out.push_back(current);
    current.pop_back();
    return;
  }
  for (std::int64_t d = 1; d <= total; ++d) {
    if (total % d != 0) continue;
    current.push_back(d);
    splits(total / d, levels, current, out);
    current.pop_back();
  }
}

// One degree axis: an integer (a total whose split over the network levels is searched, the
// best kept), an array (one degree per level, inside a node first), or a table
// { total = N, split = "all" } that makes every split of N its own grid point.
std::vector<grid::DegreeValue> degrees(TableReader& r, Ctx& ctx, std::string_view key, int levels_needed,
                                       bool levels_agree) {
  if (!r.has(key)) {
    r.node(key);
    return {grid::DegreeValue{}};
  }
  std::vector<grid::DegreeValue> out;
  std::set<std::vector<std::int64_t>> seen;
  const auto add = [&](const toml::node* e, grid::DegreeValue v, std::vector<std::int64_t> key_of) {
    if (!seen.insert(key_of).second) {
      ctx.bad(r.path(key), e, "duplicate value");
      return;
    }
    out.push_back(std::move(v));
  };
  const auto per_level_ok = [&](const toml::node* e) {
    if (levels_agree) return true;
    ctx.bad(r.path(key), e, "per-level degrees need profiles with the same number of network levels");
    return false;
  };
  for (const toml::node* e : elements(r, key)) {
    grid::DegreeValue v;
    if (e->is_integer()) {
      v.total = e->as_integer()->get();
      if (v.total <= 0) {
        ctx.bad(r.path(key), e, "impossible degree " + std::to_string(v.total) + ": must be > 0");
        continue;
      }
      add(e, v, {v.total});
    } else if (const toml::array* a = e->as_array()) {
      bool ok = !a->empty();
      v.total = 1;
      for (const toml::node& x : *a) {
        if (!x.is_integer() || x.as_integer()->get() <= 0)
          ok = false;
        else
          v.per_level.push_back(x.as_integer()->get()), v.total *= x.as_integer()->get();
      }
      if (!ok) {
        ctx.bad(r.path(key), e,
                "per-level degrees must be an array of positive integers, inside a node first");
        continue;
      }
      if (!per_level_ok(e)) continue;
      if (static_cast<int>(v.per_level.size()) != levels_needed) {
        ctx.bad(r.path(key), e,
                "has " + std::to_string(v.per_level.size()) + " levels but the hardware has " +
                    std::to_string(levels_needed));
        continue;
      }
      std::vector<std::int64_t> key_of = v.per_level;
      key_of.push_back(-1);
      add(e, v, key_of);
    } else if (const toml::table* t = e->as_table()) {
      TableReader tr(*t, r.path(key), ctx.problems);
      const auto total = tr.integer("total", true);
      const auto split = tr.string("split", true);
      tr.finish();
      if (!total || !split) continue;
      if (*total <= 0 || *total > (std::int64_t{1} << 40)) {
        tr.error("total", "impossible degree " + std::to_string(*total));
        continue;
      }
      if (*split == "best") {
        v.total = *total;
        add(e, v, {v.total});
        continue;
      }
      if (*split != "all") {
        tr.error("split", "expected \"all\" (every split its own point) or \"best\" (the best split), got '" +
                              *split + "'");
        continue;
      }
      if (!per_level_ok(e)) continue;
      std::vector<std::vector<std::int64_t>> all;
      std::vector<std::int64_t> current;
      splits(*total, levels_needed, current, all);
      for (auto& levels : all) {
        grid::DegreeValue each;
        each.total = *total;
        each.per_level = levels;
        levels.push_back(-1);
        add(e, each, levels);
      }
    } else {
      ctx.bad(r.path(key), e,
              "expected a degree (integer), per-level degrees (array) or {total = N, split = \"all\"}");
    }
  }
  return out;
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
  p.microbatches = positive_integers(r, ctx, "microbatches", {1});
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
std::string canonical_of(const grid::Axes& axes, const std::vector<Profile>& profiles) {
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
    s << detail::canonical_run_tables(h) << "\n";
  }
  grid::Axes copy = axes;
  const grid::Grid g(std::move(copy));
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

}  // namespace

SweepSpec parse_spec(const std::string& text, const std::string& path, const std::string& profile_dir) {
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
  if (const toml::table* h = top.table("hardware", true)) {
    TableReader r(*h, "hardware", problems);
    if (!r.has("profiles")) r.error("profiles", "missing required list of hardware profiles");
    std::set<std::string> seen;
    for (const toml::node* e : elements(r, "profiles")) {
      if (!e->is_string()) {
        ctx.bad("hardware.profiles", e, "expected a profile name");
        continue;
      }
      try {
        Profile p = resolve_profile(e->as_string()->get(), profile_dir);
        if (!seen.insert(p.stem).second) {
          ctx.bad("hardware.profiles", e, "duplicate profile '" + p.stem + "'");
          continue;
        }
        spec.profiles.push_back(std::move(p));
      } catch (const Error& err) {
        ctx.bad("hardware.profiles", e, err.what());
      }
    }
    r.finish();
  }
  read_model(top, ctx, spec.axes);
  read_batch(top, ctx, spec.axes);
  read_run(top, ctx, spec.axes);
  read_cluster(top, ctx, spec.axes);
  read_parallelism(top, ctx, spec.axes, spec.profiles);
  detail::read_run_axes(top, ctx, spec.axes);
  top.finish();
  if (problems.empty()) detail::check_run_axes(doc, spec.axes, spec.profiles, problems);
  problems.throw_if_any();
  for (const Profile& p : spec.profiles) {
    spec.axes.hardware.push_back({p.stem, costmodel::make_machine(p.hardware)});
    spec.max_levels =
        std::max(spec.max_levels, p.hardware.levels() + detail::extra_site_levels(spec.axes, p.hardware));
  }
  spec.canonical = canonical_of(spec.axes, spec.profiles);
  spec.hash = sha256_hex(spec.canonical);
  return spec;
}

SweepSpec load_spec(const std::string& path, const std::string& profile_dir) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", 0, 0, "cannot open sweep spec");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), path, profile_dir);
}

}  // namespace llmsweep::config
