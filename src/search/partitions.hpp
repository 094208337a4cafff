// Level partitions of a plan's totals (MODEL.md section 6): every way to spread each kind's
// degree over the network levels, in the reference enumeration order.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "costmodel/plan.hpp"
#include "search/divisors.hpp"

namespace llmsweep::search {

using KindTotals = std::array<std::int64_t, costmodel::kKinds>;

namespace detail {

template <class Fn>
void partition_level(DivisorCache& cache, const std::vector<std::int64_t>& adjusted, const KindTotals& totals,
                     int level, costmodel::Plan& plan, Fn& fn) {
  using costmodel::Kind;
  const int top = plan.levels - 1;
  if (level == top) {
    for (int k = 0; k < costmodel::kKinds; ++k) {
      std::int64_t below = 1;
      for (int l = 0; l < top; ++l) below *= plan.at(static_cast<Kind>(k), l);
      plan.at(static_cast<Kind>(k), top) = totals[static_cast<std::size_t>(k)] / below;
    }
    fn(static_cast<const costmodel::Plan&>(plan));
    return;
  }
  // Copy: the cache may rehash while deeper levels ask for other sizes.
  const std::vector<Factorization> options =
      cache.factorizations_of(adjusted[static_cast<std::size_t>(level)]);
  for (const Factorization& f : options) {
    bool divides = true;
    for (int k = 0; k < costmodel::kKinds && divides; ++k) {
      std::int64_t below = f[static_cast<std::size_t>(k)];
      for (int l = 0; l < level; ++l) below *= plan.at(static_cast<Kind>(k), l);
      divides = totals[static_cast<std::size_t>(k)] % below == 0;
    }
    if (!divides) continue;
    for (int k = 0; k < costmodel::kKinds; ++k)
      plan.at(static_cast<Kind>(k), level) = f[static_cast<std::size_t>(k)];
    partition_level(cache, adjusted, totals, level + 1, plan, fn);
  }
}

}  // namespace detail

// Calls fn(plan) for each partition: per bounded level, the ordered 5-factorisations of its
// adjusted size (last level varying fastest), kept where each kind's product over the lower
// levels divides its total; the top level takes the quotient. `plan` carries everything but
// the degrees and is left holding the last partition.
template <class Fn>
void for_each_partition(DivisorCache& cache, const std::vector<std::int64_t>& adjusted,
                        const KindTotals& totals, costmodel::Plan& plan, Fn&& fn) {
  detail::partition_level(cache, adjusted, totals, 0, plan, fn);
}

}  // namespace llmsweep::search
