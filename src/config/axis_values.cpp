#include "config/axis_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace llmsweep::config::detail {

// Elements of a key that may be a scalar or an array, each with its source position.
std::vector<const toml::node*> elements(TableReader& r, std::string_view key) {
  const toml::node* n = r.node(key);
  std::vector<const toml::node*> out;
  if (!n) return out;
  if (const toml::array* a = n->as_array()) {
    if (a->empty()) r.error(key, "empty axis: give at least one value");
    if (a->size() > kMaxAxisValues) {
      r.error(key, std::to_string(a->size()) + " values, more than the limit of " +
                       std::to_string(kMaxAxisValues) + " per axis");
      return out;
    }
    for (const toml::node& e : *a) out.push_back(&e);
  } else {
    out.push_back(n);
  }
  return out;
}

std::optional<double> as_number(const toml::node* n) {
  if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
  if (n->is_floating_point()) return n->as_floating_point()->get();
  return std::nullopt;
}

std::string number_text(double x) {
  int exponent = 0;
  if (x >= 1024 && std::frexp(x, &exponent) == 0.5) return "2^" + std::to_string(exponent - 1);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

// A list of positive numbers (scalar or array) under `key`; `fallback` when absent.
std::vector<double> positive_numbers(TableReader& r, Ctx& ctx, std::string_view key,
                                     std::vector<double> fallback, bool allow_zero, double max) {
  if (!r.has(key)) {
    r.node(key);
    return fallback;
  }
  std::vector<double> out;
  std::set<double> seen;
  for (const toml::node* e : elements(r, key)) {
    auto v = as_number(e);
    if (!v) {
      ctx.bad(r.path(key), e, "expected a number");
      continue;
    }
    if (!std::isfinite(*v) || *v < 0 || (*v == 0 && !allow_zero)) {
      ctx.bad(r.path(key), e,
              "impossible value " + number_text(*v) + (allow_zero ? ": must be >= 0" : ": must be > 0"));
      continue;
    }
    if (*v > max) {
      ctx.bad(r.path(key), e, "value " + number_text(*v) + " is above the limit of " + number_text(max));
      continue;
    }
    if (!seen.insert(*v).second) {
      ctx.bad(r.path(key), e, "duplicate value " + number_text(*v));
      continue;
    }
    out.push_back(*v);
  }
  return out;
}

std::vector<std::int64_t> positive_integers(TableReader& r, Ctx& ctx, std::string_view key,
                                            std::vector<std::int64_t> fallback, std::int64_t max) {
  if (!r.has(key)) {
    r.node(key);
    return fallback;
  }
  std::vector<std::int64_t> out;
  std::set<std::int64_t> seen;
  for (const toml::node* e : elements(r, key)) {
    if (!e->is_integer()) {
      ctx.bad(r.path(key), e, "expected an integer");
      continue;
    }
    const std::int64_t v = e->as_integer()->get();
    if (v <= 0) {
      ctx.bad(r.path(key), e, "impossible value " + std::to_string(v) + ": must be > 0");
      continue;
    }
    if (v > max) {
      ctx.bad(
          r.path(key), e,
          "value " + std::to_string(v) + " is above the limit of " + number_text(static_cast<double>(max)));
      continue;
    }
    if (!seen.insert(v).second) {
      ctx.bad(r.path(key), e, "duplicate value " + std::to_string(v));
      continue;
    }
    out.push_back(v);
  }
  return out;
}

std::vector<bool> booleans(TableReader& r, Ctx& ctx, std::string_view key, std::vector<bool> fallback) {
  if (!r.has(key)) {
    r.node(key);
    return fallback;
  }
  std::vector<bool> out;
  for (const toml::node* e : elements(r, key)) {
    if (!e->is_boolean()) {
      ctx.bad(r.path(key), e, "expected true or false");
      continue;
    }
    const bool v = e->as_boolean()->get();
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      ctx.bad(r.path(key), e, std::string("duplicate value ") + (v ? "true" : "false"));
      continue;
    }
    out.push_back(v);
  }
  return out;
}

// Strings from a fixed vocabulary.
std::vector<std::string> words(TableReader& r, Ctx& ctx, std::string_view key,
                               std::vector<std::string> fallback, const std::vector<std::string>& allowed) {
  if (!r.has(key)) {
    r.node(key);
    return fallback;
  }
  std::vector<std::string> out;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  for (const toml::node* e : elements(r, key)) {
    if (!e->is_string()) {
      ctx.bad(r.path(key), e, "expected one of " + list);
      continue;
    }
    const std::string v = e->as_string()->get();
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string message = "unknown value '" + shorten(v) + "'";
      if (auto hint = detail::did_you_mean(v, allowed)) message += " (did you mean '" + *hint + "'?)";
      ctx.bad(r.path(key), e, message + "; expected one of " + list);
      continue;
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      ctx.bad(r.path(key), e, "duplicate value '" + v + "'");
      continue;
    }
    out.push_back(v);
  }
  return out;
}

Range read_range(const toml::table& t, const std::string& prefix, Problems& problems, bool with_density) {
  TableReader r(t, prefix, problems);
  Range out;
  auto from = r.number("from", true);
  auto to = r.number("to", true);
  std::optional<double> density;
  if (with_density) density = r.number("per_decade", true);
  r.finish();
  if (!from || !to || (with_density && !density)) return out;
  if (!(*from > 0) || !std::isfinite(*from)) {
    r.error("from", "impossible value: must be > 0");
    return out;
  }
  if (!(*to >= *from) || !std::isfinite(*to)) {
    r.error("to", "must be >= from");
    return out;
  }
  if (with_density && (!(*density >= 1) || *density != std::floor(*density) || *density > 1000)) {
    r.error("per_decade", "must be a whole number from 1 to 1000");
    return out;
  }
  out.from = *from;
  out.to = *to;
  out.per_decade = with_density ? *density : 0;
  out.ok = true;
  return out;
}

}  // namespace llmsweep::config::detail
