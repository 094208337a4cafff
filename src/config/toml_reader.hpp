// Strict reading of TOML tables (internal to config/): every key a reader does not ask for is
// reported as unknown, with the nearest known key as a hint; all problems of a file are
// gathered and reported together, each on its own line with file:line:column.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace llmsweep::config::detail {

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const std::string& key, const toml::source_region& where, const std::string& message);
  void add(const std::string& key, const std::string& message);
  bool empty() const { return lines_.empty(); }
  // Throws a ConfigError whose message holds every problem, one per line.
  void throw_if_any() const;
  const std::string& file() const { return file_; }

 private:
  struct Line {
    std::string key;
    int line;
    int column;
    std::string message;
  };
  std::string file_;
  std::vector<Line> lines_;
};

// Parses a file; a syntax error becomes a ConfigError with its position.
toml::table parse_file(const std::string& path);
toml::table parse_text(const std::string& text, const std::string& name);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, Problems& problems);

  std::optional<std::string> string(std::string_view key, bool required);
  std::optional<std::int64_t> integer(std::string_view key, bool required);
  std::optional<double> number(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key, bool required);
  std::optional<std::vector<double>> numbers(std::string_view key, bool required);
  std::optional<std::vector<std::int64_t>> integers(std::string_view key, bool required);
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required);
  const toml::table* table(std::string_view key, bool required);
  // Marks a key as known and returns its node (nullptr when absent) for custom parsing.
  const toml::node* node(std::string_view key);

  bool has(std::string_view key) const { return table_.contains(key); }
  std::string path(std::string_view key) const;
  void error(std::string_view key, const std::string& message);
  // Reports every key of the table that no getter asked for, and the required keys that are
  // missing, except those an unknown key is a misspelling of (one problem, not two).
  void finish();

  Problems& problems() { return problems_; }
  const toml::table& raw() const { return table_; }

 private:
  const toml::node* fetch(std::string_view key, bool required, const char* what);
  const toml::table& table_;
  std::string prefix_;
  Problems& problems_;
  std::set<std::string, std::less<>> known_;
  std::vector<std::pair<std::string, std::string>> missing_;  // required keys absent: key, what
};

// The nearest of `candidates` to `word` by edit distance, if it is close enough to be a typo.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// A value as quoted in a message: cut after 80 characters, with its length.
std::string shorten(std::string_view text);

}  // namespace llmsweep::config::detail
