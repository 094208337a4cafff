#include "config/vectors.hpp"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "config/file_text.hpp"
#include "config/hardware_config.hpp"
#include "config/toml_reader.hpp"
#include "costmodel/evaluate.hpp"
#include "costmodel/matmul.hpp"
#include "search/best_plan.hpp"
#include "search/cluster.hpp"

namespace llmsweep::config {
namespace {

using json = nlohmann::json;
using costmodel::Kind;

// Reads one vector strictly: every key must be expected, every expected key present.
class VectorReader {
 public:
  VectorReader(const std::string& file, std::string where, const json& j, const std::set<std::string>& keys)
      : file_(file), where_(std::move(where)), j_(j) {
    if (!j_.is_object()) fail("", "expected an object");
    for (const auto& [k, v] : j_.items())
      if (!keys.count(k)) fail(detail::shorten(k), "unknown key");
    for (const auto& k : keys)
      if (!j_.contains(k)) fail(k, "missing key");
  }
  std::int64_t integer(const std::string& k) const { return as_integer(k, j_.at(k)); }
  double number(const std::string& k) const {
    const json& v = j_.at(k);
    if (!v.is_number()) fail(k, "expected a number, got " + detail::shorten(v.dump()));
    return v.get<double>();
  }
  bool boolean(const std::string& k) const {
    const json& v = j_.at(k);
    if (v.is_boolean()) return v.get<bool>();
    // Compared as the stored integer: narrowing to int first would read 2^32 as 0 (false).
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      const auto i = v.get<std::int64_t>();
      if (i == 0 || i == 1) return i == 1;
    } else if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 1) {
      return v.get<std::uint64_t>() == 1;
    }
    fail(k, "expected true/false or 0/1, got " + detail::shorten(v.dump()));
  }
  std::string string(const std::string& k) const {
    const json& v = j_.at(k);
    if (!v.is_string()) fail(k, "expected a string, got " + detail::shorten(v.dump()));
    return v.get<std::string>();
  }
  std::vector<std::int64_t> integers(const std::string& k) const {
    const json& v = j_.at(k);
    if (!v.is_array() || v.empty()) fail(k, "expected a non-empty array of integers");
    std::vector<std::int64_t> out;
    for (const json& e : v) {
      if (!e.is_number_integer()) fail(k, "expected a non-empty array of integers");
      out.push_back(as_integer(k, e));
    }
    return out;
  }
  // An integer inside int64 (nlohmann keeps larger ones as unsigned, which get<> would wrap).
  std::int64_t as_integer(const std::string& k, const json& v) const {
    if (!v.is_number_integer()) fail(k, "expected an integer, got " + detail::shorten(v.dump()));
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      fail(k, "integer " + v.dump() + " is out of range (above 2^63 - 1)");
    return v.get<std::int64_t>();
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw ConfigError(file_, where_ + (key.empty() ? "" : "." + key), 0, 0, message);
  }
  const std::string& where() const { return where_; }

 private:
  const std::string& file_;
  std::string where_;
  const json& j_;
};

class Checker {
 public:
  Checker(double tolerance, VectorReport& report) : tolerance_(tolerance), report_(report) {}
  void real(const std::string& name, double expected, double got) {
    const double scale = std::max(std::fabs(expected), 1e-300);
    if (std::fabs(got - expected) <= tolerance_ * scale || (std::isinf(expected) && got == expected)) return;
    std::ostringstream s;
    s.precision(17);
    s << name << " expected " << expected << " got " << got << " (relative error "
      << std::fabs(got - expected) / scale << ")";
    problems_.push_back(s.str());
  }
  void exact(const std::string& name, std::int64_t expected, std::int64_t got) {
    if (expected != got)
      problems_.push_back(name + " expected " + std::to_string(expected) + " got " + std::to_string(got));
  }
  void note(const std::string& problem) { problems_.push_back(problem); }
  void finish(const std::string& where) {
    if (problems_.empty()) {
      ++report_.passed;
    } else {
      ++report_.failed;
      std::string line = where + ":";
      for (std::size_t i = 0; i < problems_.size(); ++i) line += (i ? "; " : " ") + problems_[i];
      report_.mismatches.push_back(line);
    }
    problems_.clear();
  }

 private:
  double tolerance_;
  VectorReport& report_;
  std::vector<std::string> problems_;
};

class Machines {
 public:
  const costmodel::Machine& get(const VectorReader& r) {
    const std::string name = r.string("gpu");
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second;
    try {
      return cache_.emplace(name, costmodel::make_machine(resolve_profile(name).hardware)).first->second;
    } catch (const UsageError& e) {
      r.fail("gpu", e.what());
    }
  }

 private:
  std::map<std::string, costmodel::Machine> cache_;
};

costmodel::Model read_model(const VectorReader& r) {
  costmodel::Model m;
  m.d_model = r.integer("d_model");
  m.d_ff = r.integer("d_ff");
  m.layers = r.integer("layers");
  m.experts = r.integer("experts");
  m.batch_seqs = r.integer("batch_seqs");
  m.seq_len = r.integer("seq_len");
  if (std::string why = costmodel::validate_model(m); !why.empty()) r.fail("", why);
  return m;
}

std::string describe(const std::string& where, const json& v) {
  std::string out = where + " (" + v.value("gpu", std::string("?"));
  for (const char* k : {"d1", "d2", "b", "d_model", "gpus"})
    if (v.contains(k) && v[k].is_number()) out += std::string(", ") + k + "=" + v[k].dump();
  return out + ")";
}

void check_matmul(const std::string& file, const json& vectors, Machines& machines, Checker& check) {
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::string where = "matmul[" + std::to_string(i) + "]";
    VectorReader r(file, where, vectors[i], {"gpu", "d1", "d2", "b", "weight_grads", "seconds"});
    const costmodel::Machine& mc = machines.get(r);
    const std::int64_t d1 = r.integer("d1"), d2 = r.integer("d2"), b = r.integer("b");
    constexpr std::int64_t max = costmodel::kMaxModelInteger;
    if (d1 < 1 || d2 < 1 || b < 1 || d1 > max || d2 > max || b > max)
      r.fail("", "d1, d2 and b must be from 1 to 2^53");
    check.real("seconds", r.number("seconds"),
               costmodel::matmul_time(mc, d1, d2, b, r.boolean("weight_grads")));
    check.finish(describe(where, vectors[i]));
  }
}

void check_training(const std::string& file, const json& vectors, Machines& machines, Checker& check) {
  static const std::set<std::string> keys{"gpu",
                                          "d_model",
                                          "d_ff",
                                          "layers",
                                          "experts",
                                          "batch_seqs",
                                          "seq_len",
                                          "microbatches",
                                          "dp",
                                          "tp_model",
                                          "tp_ff",
                                          "pp",
                                          "ep",
                                          "interleave",
                                          "zero_bubble",
                                          "overlap_tp",
                                          "overlap_dp",
                                          "overlap_pp",
                                          "total_seconds",
                                          "utilization",
                                          "tp_comm_seconds",
                                          "dp_comm_seconds",
                                          "pp_ep_comm_seconds",
                                          "latency_seconds"};
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::string where = "training[" + std::to_string(i) + "]";
    VectorReader r(file, where, vectors[i], keys);
    const costmodel::Machine& mc = machines.get(r);
    const costmodel::Model model = read_model(r);
    costmodel::Plan plan;
    plan.levels = mc.hw.levels();
    const std::pair<Kind, const char*> kinds[] = {{Kind::dp, "dp"},
                                                  {Kind::tp_model, "tp_model"},
                                                  {Kind::tp_ff, "tp_ff"},
                                                  {Kind::pp, "pp"},
                                                  {Kind::ep, "ep"}};
    for (const auto& [kind, key] : kinds) {
      const std::vector<std::int64_t> levels = r.integers(key);
      if (static_cast<int>(levels.size()) != plan.levels)
        r.fail(key, "has " + std::to_string(levels.size()) + " levels but " + mc.hw.name + " has " +
                        std::to_string(plan.levels));
      for (int l = 0; l < plan.levels; ++l) plan.at(kind, l) = levels[static_cast<std::size_t>(l)];
    }
    plan.microbatches = r.integer("microbatches");
    plan.interleave = r.integer("interleave");
    plan.zero_bubble = r.boolean("zero_bubble");
    plan.overlap_tp = r.boolean("overlap_tp");
    plan.overlap_dp = r.boolean("overlap_dp");
    plan.overlap_pp = r.boolean("overlap_pp");
    if (std::string why = costmodel::check_plan(mc.hw, model, plan); !why.empty()) {
      check.note("invalid plan: " + why);
    } else {
      const costmodel::Evaluation ev = costmodel::evaluate(mc, model, plan);
      check.real("total_seconds", r.number("total_seconds"), ev.run_s);
      check.real("utilization", r.number("utilization"), ev.utilization);
      check.real("tp_comm_seconds", r.number("tp_comm_seconds"), ev.run_tp_comm_s);
      check.real("dp_comm_seconds", r.number("dp_comm_seconds"), ev.run_dp_comm_s);
      check.real("pp_ep_comm_seconds", r.number("pp_ep_comm_seconds"), ev.run_pp_ep_comm_s);
      check.real("latency_seconds", r.number("latency_seconds"), ev.run_latency_s);
    }
    check.finish(describe(where, vectors[i]));
  }
}

void check_optimal(const std::string& file, const json& vectors, Machines& machines, Checker& check) {
  static const std::set<std::string> keys{
      "gpu",  "d_model",    "d_ff",         "layers",     "experts",     "batch_seqs", "seq_len",
      "gpus", "overlap_tp", "overlap_dp",   "overlap_pp", "dp",          "tp_model",   "tp_ff",
      "pp",   "ep",         "microbatches", "interleave", "utilization", "years"};
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::string where = "optimal[" + std::to_string(i) + "]";
    VectorReader r(file, where, vectors[i], keys);
    const costmodel::Machine& mc = machines.get(r);
    const costmodel::Model model = read_model(r);
    const std::int64_t gpus = r.integer("gpus");
    if (gpus < 1) r.fail("gpus", "must be >= 1");
    search::SearchOptions options;
    options.overlap_tp = r.boolean("overlap_tp");
    options.overlap_dp = r.boolean("overlap_dp");
    options.overlap_pp = r.boolean("overlap_pp");
    const search::SearchResult best = search::best_plan(mc, model, gpus, options);
    if (!best.found()) {
      check.note("no plan found (" + std::string(costmodel::status_name(best.status)) + ")");
    } else {
      const costmodel::Plan& p = best.plan;
      check.exact("dp", r.integer("dp"), p.total(Kind::dp));
      check.exact("tp_model", r.integer("tp_model"), p.total(Kind::tp_model));
      check.exact("tp_ff", r.integer("tp_ff"), p.total(Kind::tp_ff));
      check.exact("pp", r.integer("pp"), p.total(Kind::pp));
      check.exact("ep", r.integer("ep"), p.total(Kind::ep));
      check.exact("microbatches", r.integer("microbatches"), p.microbatches);
      check.exact("interleave", r.integer("interleave"), p.interleave);
      check.real("utilization", r.number("utilization"), best.evaluation.utilization);
      check.real("years", r.number("years"), best.evaluation.run_s / search::kSecondsPerYear);
    }
    check.finish(describe(where, vectors[i]));
  }
}

json parse_json(const std::string& text, const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ConfigError(path, "", 0, 0, "the vectors file is empty");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // parse_error (syntax) and out_of_range (a number such as 1e999 that no double holds).
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line L, column C: ".
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    throw ConfigError(path, "", 0, 0, "malformed JSON: " + what);
  }
}

}  // namespace

VectorReport verify_vectors_file(const std::string& path, double relative_tolerance) {
  return verify_vectors_text(detail::read_config_file(path, "vectors file"), path, relative_tolerance);
}

VectorReport verify_vectors_text(const std::string& text, const std::string& path,
                                 double relative_tolerance) {
  const json doc = parse_json(text, path);
  if (!doc.is_object())
    throw ConfigError(path, "", 0, 0, "expected a JSON object with matmul/training/optimal arrays");
  static const std::set<std::string> sections{"meta", "matmul", "training", "optimal"};
  std::size_t vectors = 0;
  for (const auto& [k, v] : doc.items()) {
    if (!sections.count(k))
      throw ConfigError(path, detail::shorten(k), 0, 0,
                        "unknown section (expected meta, matmul, training, optimal)");
    if (k != "meta" && !v.is_array()) throw ConfigError(path, k, 0, 0, "expected an array of vectors");
    if (k != "meta") vectors += v.size();
  }
  // Zero vectors would pass as "0 passed, 0 failed": a check that checked nothing.
  if (vectors == 0)
    throw ConfigError(path, "", 0, 0, "no vectors: matmul, training and optimal are all missing or empty");
  VectorReport report;
  Checker check(relative_tolerance, report);
  Machines machines;
  if (doc.contains("matmul")) check_matmul(path, doc["matmul"], machines, check);
  if (doc.contains("training")) check_training(path, doc["training"], machines, check);
  if (doc.contains("optimal")) check_optimal(path, doc["optimal"], machines, check);
  return report;
}

}  // namespace llmsweep::config
