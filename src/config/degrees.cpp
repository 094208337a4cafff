#include "config/degrees.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "config/spec.hpp"
#include "search/divisors.hpp"

namespace llmsweep::config::detail {
namespace {

// The prime factorisation of 1 <= n <= kMaxDegree (trial division up to 2^20), as exponents.
std::vector<int> prime_exponents(std::int64_t n) {
  std::vector<int> out;
  for (std::int64_t p = 2; p <= n / p; p += (p == 2 ? 1 : 2)) {
    int e = 0;
    for (; n % p == 0; n /= p) ++e;
    if (e > 0) out.push_back(e);
  }
  if (n > 1) out.push_back(1);
  return out;
}

// How many ordered ways there are to write n as a product of `levels` factors: for each prime
// p^e of n, C(e + levels - 1, levels - 1) ways to spread e over the levels; saturates past `cap`.
std::uint64_t count_splits(std::int64_t n, int levels, std::uint64_t cap) {
  std::uint64_t count = 1;
  for (int e : prime_exponents(n)) {
    std::uint64_t ways = 1;  // C(e + k, k) with k = levels - 1 <= 5 and e <= 40: exact in 64 bits
    for (int i = 1; i < levels; ++i)
      ways = ways * static_cast<std::uint64_t>(e + i) / static_cast<std::uint64_t>(i);
    if (ways > cap || count > cap / ways) return cap + 1;
    count *= ways;
  }
  return count;
}

// Every ordered way to write `total` as a product of `levels` factors, inside a node first, each
// factor ascending over the divisors of what is left. `divisors_of` holds, for every divisor of
// the original total, its own divisors ascending, so the work is proportional to the output.
void splits(std::int64_t total, int levels,
            const std::map<std::int64_t, std::vector<std::int64_t>>& divisors_of,
            std::vector<std::int64_t>& current, std::vector<std::vector<std::int64_t>>& out) {
  if (static_cast<int>(current.size()) == levels - 1) {
    current.push_back(total);
    out.push_back(current);
    current.pop_back();
    return;
  }
  for (std::int64_t d : divisors_of.at(total)) {
    current.push_back(d);
    splits(total / d, levels, divisors_of, current, out);
    current.pop_back();
  }
}

std::vector<std::vector<std::int64_t>> all_splits(std::int64_t total, int levels) {
  const std::vector<std::int64_t> divs = search::divisors(total);
  std::map<std::int64_t, std::vector<std::int64_t>> divisors_of;
  for (std::int64_t n : divs) {
    std::vector<std::int64_t>& list = divisors_of[n];
    for (std::int64_t d : divs) {
      if (d > n) break;
      if (n % d == 0) list.push_back(d);
    }
  }
  std::vector<std::vector<std::int64_t>> out;
  std::vector<std::int64_t> current;
  splits(total, levels, divisors_of, current, out);
  return out;
}

}  // namespace

std::vector<grid::DegreeValue> degrees(TableReader& r, Ctx& ctx, std::string_view key, int levels_needed,
                                       bool levels_agree) {
  if (!r.has(key)) {
    r.node(key);
    return {grid::DegreeValue{}};
  }
  std::vector<grid::DegreeValue> out;
  std::set<std::vector<std::int64_t>> seen;
  const auto add = [&](const toml::node* e, grid::DegreeValue v, const std::vector<std::int64_t>& key_of) {
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
      if (v.total <= 0 || v.total > kMaxDegree) {
        ctx.bad(r.path(key), e, "impossible degree " + std::to_string(v.total) + ": must be from 1 to 2^40");
        continue;
      }
      add(e, v, {v.total});
    } else if (const toml::array* a = e->as_array()) {
      bool ok = !a->empty();
      v.total = 1;
      for (const toml::node& x : *a) {
        if (!x.is_integer() || x.as_integer()->get() <= 0) {
          ok = false;
          break;
        }
        const std::int64_t degree = x.as_integer()->get();
        if (degree > kMaxDegree / v.total) {  // checked before the product can overflow
          ctx.bad(r.path(key), e, "per-level degrees multiply to more than 2^40");
          break;
        }
        v.per_level.push_back(degree), v.total *= degree;
      }
      if (!ok) {
        ctx.bad(r.path(key), e,
                "per-level degrees must be an array of positive integers, inside a node first");
        continue;
      }
      if (v.per_level.size() != a->size()) continue;
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
      if (*total <= 0 || *total > kMaxDegree) {
        tr.error("total", "impossible degree " + std::to_string(*total) + ": must be from 1 to 2^40");
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
      // Counted first: the splits of 2^40 over 6 levels alone are 1.2 million.
      const std::uint64_t count = count_splits(*total, levels_needed, kMaxAxisValues);
      if (count + out.size() > kMaxAxisValues) {
        const std::string made =
            count > kMaxAxisValues ? "more than " + std::to_string(kMaxAxisValues) : std::to_string(count);
        tr.error("split", "the splits of " + std::to_string(*total) + " over " +
                              std::to_string(levels_needed) + " network levels are " + made +
                              " values; an axis has at most " + std::to_string(kMaxAxisValues) +
                              ", its other values included");
        continue;
      }
      for (auto& levels : all_splits(*total, levels_needed)) {
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

}  // namespace llmsweep::config::detail
