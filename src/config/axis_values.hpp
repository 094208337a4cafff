// Reading axis values from spec tables (internal to config/): lists that may be written as a
// single value, each element checked (positive, no duplicates, from a vocabulary) and every
// problem located by file, line, column and key.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/toml_reader.hpp"

namespace llmsweep::config::detail {

struct Ctx {
  Problems& problems;
  void bad(const std::string& key, const toml::node* n, const std::string& message) {
    problems.add(key, n->source(), message);
  }
};

// Most values one axis may have (docs/sweep-spec.md, "Limits"), whether listed or generated
// (compute ranges, splits, depth laws): every list is counted against it before it is read.
inline constexpr std::size_t kMaxAxisValues = 100'000;

// Elements of a key that may be a scalar or an array (an empty array, or one longer than
// kMaxAxisValues, is reported and gives no elements).
std::vector<const toml::node*> elements(TableReader& r, std::string_view key);
std::optional<double> as_number(const toml::node* n);

// Scalar-or-list readers; `fallback` when the key is absent.
// Values above `max` are reported as over the limit.
std::vector<double> positive_numbers(TableReader& r, Ctx& ctx, std::string_view key,
                                     std::vector<double> fallback, bool allow_zero = false,
                                     double max = std::numeric_limits<double>::max());
std::vector<std::int64_t> positive_integers(TableReader& r, Ctx& ctx, std::string_view key,
                                            std::vector<std::int64_t> fallback,
                                            std::int64_t max = std::numeric_limits<std::int64_t>::max());
// How a number reads in a message: "2^53" for a large power of two, else up to 10 digits.
std::string number_text(double x);
std::vector<bool> booleans(TableReader& r, Ctx& ctx, std::string_view key, std::vector<bool> fallback);
std::vector<std::string> words(TableReader& r, Ctx& ctx, std::string_view key,
                               std::vector<std::string> fallback, const std::vector<std::string>& allowed);

// A {from, to[, per_decade]} range table.
struct Range {
  double from = 0, to = 0, per_decade = 0;
  bool ok = false;
};
Range read_range(const toml::table& t, const std::string& prefix, Problems& problems, bool with_density);

}  // namespace llmsweep::config::detail
