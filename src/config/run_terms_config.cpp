#include "config/run_terms_config.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/error.hpp"
#include "costmodel/sites.hpp"
#include "search/run.hpp"

namespace llmsweep::config::detail {
namespace {

constexpr double kSecondsPerHour = 3600;
constexpr double kGiga = 1e9;
constexpr double kMilli = 1e3;

std::string fmt(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// A number that must be > 0 (or >= 0), reported against its key when it is not.
std::optional<double> checked(TableReader& r, std::string_view key, bool required, bool allow_zero) {
  const std::optional<double> v = r.number(key, required);
  if (!v) return v;
  if (!std::isfinite(*v) || *v < 0 || (*v == 0 && !allow_zero)) {
    r.error(key, "impossible value " + fmt(*v) + (allow_zero ? ": must be >= 0" : ": must be > 0"));
    return std::nullopt;
  }
  return v;
}

void read_profile_failures(TableReader& top, costmodel::Hardware& hw) {
  const toml::table* t = top.table("failures", false);
  if (!t) return;
  TableReader r(*t, "failures", top.problems());
  costmodel::FailureModel f;
  if (auto v = r.string("recovery", true)) {
    const auto rec = costmodel::recovery_from_name(*v);
    if (!rec || *rec == costmodel::Recovery::none)
      r.error("recovery", "expected \"storage\" or \"peer\", got '" + *v + "'");
    else
      f.recovery = *rec;
  }
  const bool per_gpu = r.has("mtbf_gpu_hours");
  const bool per_node = r.has("mtbf_node_hours");
  if (per_gpu && per_node) {
    r.node("mtbf_node_hours");
    r.error("mtbf_node_hours", "give one of mtbf_gpu_hours and mtbf_node_hours, not both");
  } else if (!per_gpu && !per_node) {
    r.node("mtbf_node_hours");  // known, so that a misspelling of either is pointed at
    r.node("gpus_per_node");
    r.number("mtbf_gpu_hours", true);  // missing: one problem, or none where a typo explains it
  }
  if (per_gpu) {
    if (auto v = checked(r, "mtbf_gpu_hours", true, false)) f.gpu_mtbf_s = *v * kSecondsPerHour;
    if (r.has("gpus_per_node")) {
      r.node("gpus_per_node");
      r.error("gpus_per_node", "only applies to mtbf_node_hours");
    }
  } else if (per_node) {
    const auto v = checked(r, "mtbf_node_hours", true, false);
    const auto g = r.integer("gpus_per_node", true);
    if (g && *g < 1) r.error("gpus_per_node", "impossible value " + std::to_string(*g) + ": must be >= 1");
    if (v && g && *g >= 1) f.gpu_mtbf_s = *v * kSecondsPerHour * static_cast<double>(*g);
  }
  if (auto v = checked(r, "restart_s", true, true)) f.restart_s = *v;
  const bool storage = f.recovery == costmodel::Recovery::storage;
  if (auto v = checked(r, "checkpoint_write_GBps", storage, false)) f.checkpoint_write_Bps = *v * kGiga;
  if (auto v = checked(r, "checkpoint_read_GBps", storage, false)) f.checkpoint_read_Bps = *v * kGiga;
  r.finish();
  hw.failures = f;
}

void read_profile_sites(TableReader& top, costmodel::Hardware& hw) {
  const toml::table* t = top.table("sites", false);
  if (!t) return;
  TableReader r(*t, "sites", top.problems());
  costmodel::SiteLevel s;
  if (auto v = r.integer("count", false)) {
    if (*v < 1)
      r.error("count", "impossible value " + std::to_string(*v) + ": must be >= 1");
    else
      s.count = *v;
  }
  if (auto v = checked(r, "bandwidth_GBps", true, false)) s.bandwidth_Bps = *v * kGiga;
  if (auto v = checked(r, "latency_ms", true, true)) s.latency_s = *v / kMilli;
  if (auto v = r.string("crossing", false)) {
    if (auto c = costmodel::site_crossing_from_name(*v))
      s.crossing = *c;
    else
      r.error("crossing", "expected \"dp\" or \"dp-pp\", got '" + *v + "'");
  }
  r.finish();
  hw.sites = s;
}

// Optional values of one axis key: {nullopt} when absent (the profile's value).
std::vector<std::optional<double>> optional_numbers(TableReader& r, Ctx& ctx, std::string_view key,
                                                    double scale, bool allow_zero) {
  if (!r.has(key)) {
    r.node(key);
    return {std::nullopt};
  }
  std::vector<std::optional<double>> out;
  for (double v : positive_numbers(r, ctx, key, {}, allow_zero)) out.emplace_back(v * scale);
  return out;
}

void read_failure_axis(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("failures", false);
  if (!t) return;
  TableReader r(*t, "failures", ctx.problems);
  std::vector<std::optional<costmodel::Recovery>> recoveries{std::nullopt};
  if (r.has("recovery")) {
    recoveries.clear();
    for (const std::string& w : words(r, ctx, "recovery", {}, {"none", "storage", "peer"}))
      recoveries.emplace_back(costmodel::recovery_from_name(w));
  } else {
    r.node("recovery");
  }
  const auto mtbf = optional_numbers(r, ctx, "mtbf_gpu_hours", kSecondsPerHour, false);
  const auto write = optional_numbers(r, ctx, "checkpoint_write_GBps", kGiga, false);
  const auto read = optional_numbers(r, ctx, "checkpoint_read_GBps", kGiga, false);
  const auto restart = optional_numbers(r, ctx, "restart_s", 1, true);
  r.finish();
  axes.failures.clear();
  for (const auto& rec : recoveries)
    for (const auto& m : mtbf)
      for (const auto& w : write)
        for (const auto& rd : read)
          for (const auto& rs : restart) axes.failures.push_back({rec, m, w, rd, rs});
}

void read_site_axis(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("sites", false);
  if (!t) return;
  TableReader r(*t, "sites", ctx.problems);
  std::vector<std::optional<std::int64_t>> counts{std::nullopt};
  if (r.has("count")) {
    counts.clear();
    for (std::int64_t c : positive_integers(r, ctx, "count", {})) counts.emplace_back(c);
  } else {
    r.node("count");
  }
  const auto bandwidth = optional_numbers(r, ctx, "bandwidth_GBps", kGiga, false);
  const auto latency = optional_numbers(r, ctx, "latency_ms", 1 / kMilli, true);
  std::vector<std::optional<costmodel::SiteCrossing>> crossings{std::nullopt};
  if (r.has("crossing")) {
    crossings.clear();
    for (const std::string& w : words(r, ctx, "crossing", {}, {"dp", "dp-pp"}))
      crossings.emplace_back(costmodel::site_crossing_from_name(w));
  } else {
    r.node("crossing");
  }
  r.finish();
  axes.sites.clear();
  for (const auto& c : counts)
    for (const auto& b : bandwidth)
      for (const auto& l : latency)
        for (const auto& x : crossings) axes.sites.push_back({c, b, l, x});
}

// One ramp: the string "none" or an array of [token fraction, batch factor] pairs.
std::optional<search::BatchRamp> read_one_ramp(Ctx& ctx, const std::string& key, const toml::node* n) {
  if (n->is_string() && n->as_string()->get() == "none") return search::BatchRamp{};
  const toml::array* a = n->as_array();
  if (!a || a->empty()) {
    ctx.bad(key, n, "expected \"none\" or an array of [token fraction, batch factor] pairs");
    return std::nullopt;
  }
  search::BatchRamp ramp;
  for (const toml::node& e : *a) {
    const toml::array* pair = e.as_array();
    if (!pair || pair->size() != 2 || !as_number(pair->get(0)) || !as_number(pair->get(1))) {
      ctx.bad(key, &e, "expected a [token fraction, batch factor] pair of numbers");
      return std::nullopt;
    }
    ramp.steps.push_back({*as_number(pair->get(0)), *as_number(pair->get(1))});
  }
  if (auto why = search::check_ramp(ramp)) {
    ctx.bad(key, n, *why);
    return std::nullopt;
  }
  return ramp;
}

void read_ramp_axis(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  const toml::table* t = top.table("ramp", false);
  if (!t) return;
  TableReader r(*t, "ramp", ctx.problems);
  std::vector<search::BatchRamp> ramps;
  if (const toml::node* n = r.node("steps")) {
    const toml::array* a = n->as_array();
    // One ramp ([[f, b], ...]) or a list of ramps ([[[f, b], ...], "none", ...]).
    const bool single = a && !a->empty() && a->get(0)->is_array() && a->get(0)->as_array()->size() > 0 &&
                        !a->get(0)->as_array()->get(0)->is_array();
    if (single || !a) {
      if (auto ramp = read_one_ramp(ctx, r.path("steps"), n)) ramps.push_back(*ramp);
    } else {
      if (a->empty()) r.error("steps", "empty axis: give at least one ramp");
      std::set<std::string> seen;
      for (const toml::node& e : *a)
        if (auto ramp = read_one_ramp(ctx, r.path("steps"), &e)) {
          if (!seen.insert(search::ramp_label(*ramp)).second)
            ctx.bad(r.path("steps"), &e, "duplicate ramp " + search::ramp_label(*ramp));
          else
            ramps.push_back(*ramp);
        }
    }
  } else {
    r.error("steps", "missing: [ramp] needs steps (a ramp, or a list of ramps)");
  }
  std::vector<search::RampPlans> plans{search::RampPlans::per_phase};
  if (r.has("plans")) {
    plans.clear();
    for (const std::string& w : words(r, ctx, "plans", {}, {"per-phase", "one-plan"}))
      plans.push_back(*search::ramp_plans_from_name(w));
  } else {
    r.node("plans");
  }
  r.finish();
  axes.ramp.clear();
  for (const auto& ramp : ramps)
    for (search::RampPlans p : plans) {
      if (!ramp.active() && p != plans.front()) continue;  // plans do not apply to "none"
      axes.ramp.push_back({ramp, p});
    }
}

// The spec key of each field resolve_run_terms names.
const std::map<std::string, std::string>& spec_keys() {
  static const std::map<std::string, std::string> keys{{"recovery", "failures.recovery"},
                                                       {"mtbf", "failures.mtbf_gpu_hours"},
                                                       {"restart", "failures.restart_s"},
                                                       {"checkpoint_write", "failures.checkpoint_write_GBps"},
                                                       {"checkpoint_read", "failures.checkpoint_read_GBps"},
                                                       {"sites", "sites.count"},
                                                       {"site_bandwidth", "sites.bandwidth_GBps"},
                                                       {"site_latency", "sites.latency_ms"},
                                                       {"ramp", "ramp.steps"}};
  return keys;
}

void add_at(Problems& problems, const toml::table& doc, const std::string& key, const std::string& message) {
  const toml::node_view<const toml::node> node = doc.at_path(key);
  if (node)
    problems.add(key, node.node()->source(), message);
  else
    problems.add(key, message);
}

}  // namespace

void read_profile_run_tables(TableReader& top, costmodel::Hardware& hw) {
  read_profile_failures(top, hw);
  read_profile_sites(top, hw);
}

void check_profile_run_tables(const toml::table& doc, const costmodel::Hardware& hw,
                              const std::string& path) {
  if (!hw.sites) return;
  costmodel::SiteLevel s = *hw.sites;
  s.count = std::max<std::int64_t>(2, s.count);  // the numbers are checked even where count is 1
  const auto bad = costmodel::check_site_level(hw, s);
  if (!bad) return;
  const std::string key = bad->field == "count"       ? "sites.count"
                          : bad->field == "bandwidth" ? "sites.bandwidth_GBps"
                                                      : "sites.latency_ms";
  const toml::node_view<const toml::node> node = doc.at_path(key);
  const int line = node ? static_cast<int>(node.node()->source().begin.line) : 0;
  const int column = node ? static_cast<int>(node.node()->source().begin.column) : 0;
  throw ConfigError(path, key, line, column, "invalid value: " + bad->message);
}

std::string canonical_run_tables(const costmodel::Hardware& hw) {
  std::string out;
  if (hw.failures) {
    const costmodel::FailureModel& f = *hw.failures;
    out += " failures=" + std::string(costmodel::recovery_name(f.recovery)) + "/" + fmt(f.gpu_mtbf_s) + "/" +
           fmt(f.checkpoint_write_Bps) + "/" + fmt(f.checkpoint_read_Bps) + "/" + fmt(f.restart_s);
  }
  if (hw.sites) {
    const costmodel::SiteLevel& s = *hw.sites;
    out += " sites=" + std::to_string(s.count) + "/" + fmt(s.bandwidth_Bps) + "/" + fmt(s.latency_s) + "/" +
           std::string(costmodel::site_crossing_name(s.crossing));
  }
  return out;
}

void read_run_axes(TableReader& top, Ctx& ctx, grid::Axes& axes) {
  read_failure_axis(top, ctx, axes);
  read_site_axis(top, ctx, axes);
  read_ramp_axis(top, ctx, axes);
}

void check_run_axes(const toml::table& doc, const grid::Axes& axes, const std::vector<Profile>& profiles,
                    Problems& problems) {
  const bool extended = std::find(axes.model_kind.begin(), axes.model_kind.end(),
                                  costmodel::ModelKind::extended) != axes.model_kind.end();
  const char* given = nullptr;
  for (const char* table : {"failures", "sites", "ramp"})
    if (doc.contains(table) && !given) given = table;
  if (given && !extended) {
    add_at(problems, doc, given,
           "run-level terms (failures, sites, ramp) belong to the extended model: add \"extended\" to [run] "
           "model");
    return;
  }
  if (!extended) return;
  std::set<std::pair<std::string, std::string>> seen;
  bool any_active = false;
  for (const Profile& p : profiles)
    for (const auto& f : axes.failures)
      for (const auto& s : axes.sites)
        for (const auto& r : axes.ramp) {
          search::RunTerms terms;
          const auto bad = search::resolve_run_terms(p.hardware, grid::run_inputs(f, s, r), terms);
          if (!bad) {
            any_active = any_active || terms.active();
            continue;
          }
          const std::string key = spec_keys().at(bad->field);
          const std::string message = bad->message + " (profile " + p.stem + ")";
          if (seen.insert({key, message}).second) add_at(problems, doc, key, message);
        }
  if (any_active && axes.parallelism)
    add_at(problems, doc, "parallelism",
           "explicit plans do not combine with run-level terms (failures, sites, ramps, or a profile's "
           "[failures] "
           "or [sites] table under the extended model); use llmsweep eval with the plan");
}

int extra_site_levels(const grid::Axes& axes, const costmodel::Hardware& hw) {
  if (std::find(axes.model_kind.begin(), axes.model_kind.end(), costmodel::ModelKind::extended) ==
      axes.model_kind.end())
    return 0;
  for (const grid::SiteValue& s : axes.sites) {
    const std::int64_t count = s.count ? *s.count : (hw.sites ? hw.sites->count : 1);
    if (count > 1) return 1;
  }
  return 0;
}

}  // namespace llmsweep::config::detail
