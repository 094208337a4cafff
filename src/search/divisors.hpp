// Integer helpers of the plan search: divisor lists (memoised) and ordered factorisations.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace llmsweep::search {

std::int64_t isqrt(std::int64_t n);
std::int64_t gcd64(std::int64_t a, std::int64_t b);

// All divisors of n > 0, ascending; none for n <= 0. Factorises by trial division, which is quick for the
// smooth numbers the model produces (products of small odd factors and powers of two).
std::vector<std::int64_t> divisors(std::int64_t n);

// Every ordered way to write n as a product of `kFactors` factors, the first factor varying
// slowest and each factor running over the divisors of what is left in ascending order.
inline constexpr int kFactors = 5;
using Factorization = std::array<std::int64_t, kFactors>;
std::vector<Factorization> ordered_factorizations(std::int64_t n);

// Memoises both lists; one per search, not shared between threads.
class DivisorCache {
 public:
  const std::vector<std::int64_t>& divisors_of(std::int64_t n);
  const std::vector<Factorization>& factorizations_of(std::int64_t n);

 private:
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> divisors_;
  std::unordered_map<std::int64_t, std::vector<Factorization>> factorizations_;
};

}  // namespace llmsweep::search
