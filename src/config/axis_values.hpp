// Reading axis values from spec tables (internal to config/): lists that may be written as a
// single value, each element checked (positive, no duplicates, from a vocabulary) and every
// problem located by file, line, column and key.
#pragma once

#include <cstdint>
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

// Elements of a key that may be a scalar or an array (an empty array is reported).
std::vector<const toml::node*> elements(TableReader& r, std::string_view key);
std::optional<double> as_number(const toml::node* n);

// Scalar-or-list readers; `fallback` when the key is absent.
std::vector<double> positive_numbers(TableReader& r, Ctx& ctx, std::string_view key,
                                     std::vector<double> fallback, bool allow_zero = false);
std::vector<std::int64_t> positive_integers(TableReader& r, Ctx& ctx, std::string_view key,
                                            std::vector<std::int64_t> fallback);
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
