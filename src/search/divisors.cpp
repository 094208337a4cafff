#include "search/divisors.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmsweep::search {

std::int64_t isqrt(std::int64_t n) {
  if (n <= 0) return 0;
  auto r = static_cast<std::int64_t>(std::sqrt(static_cast<double>(n)));
  while (r > 0 && static_cast<unsigned __int128>(r) * static_cast<unsigned __int128>(r) >
                      static_cast<unsigned __int128>(n))
    --r;
  while (static_cast<unsigned __int128>(r + 1) * static_cast<unsigned __int128>(r + 1) <=
         static_cast<unsigned __int128>(n))
    ++r;
  return r;
}

std::int64_t gcd64(std::int64_t a, std::int64_t b) {
  return std::gcd(a, b);
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  if (n <= 0) return {};  // no counts divide nothing: a zero-token shard has no microbatch count
  std::vector<std::int64_t> out{1};
  if (n == 1) return out;
  std::int64_t rest = n;
  const auto take = [&out, &rest](std::int64_t p) {
    int count = 0;
    while (rest % p == 0) {
      rest /= p;
      ++count;
    }
    if (count == 0) return;
    const std::size_t base = out.size();
    std::int64_t power = 1;
    for (int c = 1; c <= count; ++c) {
      power *= p;
      for (std::size_t i = 0; i < base; ++i) out.push_back(out[i] * power);
    }
  };
  take(2);
  for (std::int64_t p = 3; p <= rest / p; p += 2) take(p);
  if (rest > 1) take(rest);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

void factorize_into(std::int64_t n, int slot, Factorization& current, std::vector<Factorization>& out,
                    const std::vector<std::int64_t>& divs) {
  if (slot == kFactors - 1) {
    current[static_cast<std::size_t>(slot)] = n;
    out.push_back(current);
    return;
  }
  for (std::int64_t d : divs) {
    if (d > n) break;
    if (n % d != 0) continue;
    current[static_cast<std::size_t>(slot)] = d;
    factorize_into(n / d, slot + 1, current, out, divs);
  }
}

}  // namespace

std::vector<Factorization> ordered_factorizations(std::int64_t n) {
  std::vector<Factorization> out;
  Factorization current{};
  // Divisors of the remainder are divisors of n, so one ascending list serves every slot.
  factorize_into(n, 0, current, out, divisors(n));
  return out;
}

const std::vector<std::int64_t>& DivisorCache::divisors_of(std::int64_t n) {
  auto it = divisors_.find(n);
  if (it == divisors_.end()) it = divisors_.emplace(n, divisors(n)).first;
  return it->second;
}

const std::vector<Factorization>& DivisorCache::factorizations_of(std::int64_t n) {
  auto it = factorizations_.find(n);
  if (it == factorizations_.end()) it = factorizations_.emplace(n, ordered_factorizations(n)).first;
  return it->second;
}

}  // namespace llmsweep::search
