#include "config/toml_reader.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "config/file_text.hpp"

namespace llmsweep::config::detail {

void Problems::add(const std::string& key, const toml::source_region& where, const std::string& message) {
  lines_.push_back(
      {shorten(key), static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), message});
}

void Problems::add(const std::string& key, const std::string& message) {
  lines_.push_back({shorten(key), 0, 0, message});
}

void Problems::throw_if_any() const {
  if (lines_.empty()) return;
  // A hostile file can hold a million bad values: the first ones say enough.
  constexpr std::size_t kShown = 20;
  std::string all;
  for (std::size_t i = 0; i < lines_.size() && i < kShown; ++i) {
    const Line& l = lines_[i];
    if (i > 0) all += "\n";
    all += ConfigError(file_, l.key, l.line, l.column, l.message).what();
  }
  if (lines_.size() > kShown)
    all += "\n" + file_ + ": " + std::to_string(lines_.size() - kShown) + " more problems not shown";
  const Line& first = lines_.front();
  // The first problem locates the error; the message carries them all.
  throw ConfigError(file_, first.key, first.line, first.column,
                    lines_.size() == 1 ? first.message : first.message + all.substr(all.find('\n')));
}

namespace {

bool non_ascii(char c) {
  return static_cast<unsigned char>(c) >= 0x80;
}
bool blank(char c) {
  return c == ' ' || c == '\t';
}

// After the backslash at `i` of a multi-line basic string: the index of a non-ASCII byte that
// toml++ would test as whitespace, or npos; `i` moves to the last byte the escape takes.
std::size_t after_backslash(std::string_view t, std::size_t& i) {
  std::size_t j = i + 1;
  const auto space = [&t](std::size_t k) { return blank(t[k]) || t[k] == '\n' || t[k] == '\r'; };
  if (j < t.size() && space(j)) {
    // A line-ending backslash: every byte up to the next content is tested as whitespace.
    while (j < t.size() && space(j)) ++j;
    if (j < t.size() && non_ascii(t[j])) return j;
    i = j - 1;
    return std::string_view::npos;
  }
  // An escape: the escaped character is tested as whitespace too.
  if (j < t.size() && non_ascii(t[j])) return j;
  i = j;
  return std::string_view::npos;
}

// toml++ 3.3.0, Debian 12's, reaches __builtin_unreachable (undefined behaviour) when it asks
// whether some non-ASCII code points (U+00A1..U+0499, U+2D0E..U+3107, U+FBA6..U+FEFE) are
// whitespace (marzer/tomlplusplus issues 190 and 295, fixed after 3.3.0; found here by
// tests/fuzz). It asks only outside strings and comments, where TOML 1.0 allows no non-ASCII
// character at all, and right after a backslash in a multi-line basic string. This finds the
// first such byte, so that parse_text reports it instead of handing the text to the parser. A
// quote opens a string only where TOML allows one (at a line's start or after = [ , { .); after
// anything else (0x"...) the parser is still reading a value, so the bytes count as outside.
struct Unsafe {
  std::size_t at = std::string_view::npos;
  bool in_string = false;
};
Unsafe unsafe_for_toml(std::string_view t) {
  enum class In { code, comment, basic, literal, ml_basic, ml_literal };
  In in = In::code;
  const auto at = [&t](std::size_t i, std::string_view s) { return t.substr(i, s.size()) == s; };
  const auto close = [&t](std::size_t& i, char q) {  // past a closing triple and up to 2 more quotes
    i += 2;
    for (int n = 0; n < 2 && i + 1 < t.size() && t[i + 1] == q; ++n) ++i;
  };
  char last = '\n';  // the last byte outside strings and comments, blanks aside
  for (std::size_t i = at(0, "\xEF\xBB\xBF") ? 3 : 0; i < t.size(); ++i) {
    const char c = t[i];
    switch (in) {
      case In::code: {
        if (non_ascii(c)) return {i, false};
        const bool opens = std::string_view("\n=[,{.").find(last) != std::string_view::npos;
        if (c == '#')
          in = In::comment;
        else if (opens && at(i, "\"\"\""))
          i += 2, in = In::ml_basic;
        else if (opens && at(i, "'''"))
          i += 2, in = In::ml_literal;
        else if (opens && c == '"')
          in = In::basic;
        else if (opens && c == '\'')
          in = In::literal;
        if (!blank(c)) last = in == In::code ? c : '"';
        break;
      }
      case In::comment:
        if (c == '\n') in = In::code, last = '\n';
        break;
      case In::basic:
        if (c == '\\')
          ++i;
        else if (c == '"' || c == '\n')
          in = In::code, last = c;
        break;
      case In::literal:
        if (c == '\'' || c == '\n') in = In::code, last = c == '\n' ? c : '"';
        break;
      case In::ml_basic:
        if (c == '\\') {
          if (const std::size_t bad = after_backslash(t, i); bad != std::string_view::npos)
            return {bad, true};
        } else if (at(i, "\"\"\"")) {
          close(i, '"');
          in = In::code;
        }
        break;
      case In::ml_literal:
        if (at(i, "'''")) close(i, '\''), in = In::code;
        break;
    }
  }
  return {};
}

[[noreturn]] void refuse_unsafe(std::string_view t, Unsafe u, const std::string& name) {
  const std::size_t at = u.at;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (t[i] == '\n')
      line += 1, column = 1;
    else if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80)
      ++column;  // UTF-8 lead bytes
  }
  std::size_t end = at + 1;
  while (end < t.size() && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80 && end - at < 4) ++end;
  const std::string character = "'" + std::string(t.substr(at, end - at)) + "'";
  throw ConfigError(name, "", line, column,
                    u.in_string ? "TOML syntax error: non-ASCII character " + character +
                                      " right after a backslash in a multi-line string, which this TOML "
                                      "reader cannot read safely; write it as \\uXXXX"
                                : "TOML syntax error: unexpected non-ASCII character " + character +
                                      " outside a string or comment");
}

}  // namespace

toml::table parse_text(const std::string& text, const std::string& name) {
  if (const Unsafe u = unsafe_for_toml(text); u.at != std::string_view::npos) refuse_unsafe(text, u, name);
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(name, "", static_cast<int>(where.line), static_cast<int>(where.column),
                      "TOML syntax error: " + std::string(e.description()));
  }
}

toml::table parse_file(const std::string& path) {
  return parse_text(read_config_file(path, "file"), path);
}

TableReader::TableReader(const toml::table& table, std::string prefix, Problems& problems)
    : table_(table), prefix_(std::move(prefix)), problems_(problems) {}

std::string TableReader::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void TableReader::error(std::string_view key, const std::string& message) {
  const toml::node* n = table_.get(key);
  if (n)
    problems_.add(path(key), n->source(), message);
  else
    problems_.add(path(key), table_.source(), message);
}

const toml::node* TableReader::node(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

const toml::node* TableReader::fetch(std::string_view key, bool required, const char* what) {
  const toml::node* n = node(key);
  if (!n && required) missing_.emplace_back(std::string(key), std::string("missing required ") + what);
  return n;
}

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "string");
  if (!n) return std::nullopt;
  if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
  error(key, "expected a string");
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "integer");
  if (!n) return std::nullopt;
  if (n->is_integer()) return n->as_integer()->get();
  error(key, "expected an integer");
  return std::nullopt;
}

std::optional<double> TableReader::number(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "number");
  if (!n) return std::nullopt;
  if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
  if (n->is_floating_point()) return n->as_floating_point()->get();
  error(key, "expected a number");
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "boolean");
  if (!n) return std::nullopt;
  if (n->is_boolean()) return n->as_boolean()->get();
  error(key, "expected true or false");
  return std::nullopt;
}

std::optional<std::vector<double>> TableReader::numbers(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "array of numbers");
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    error(key, "expected an array of numbers");
    return std::nullopt;
  }
  std::vector<double> out;
  for (const toml::node& e : *a) {
    if (e.is_integer()) {
      out.push_back(static_cast<double>(e.as_integer()->get()));
    } else if (e.is_floating_point()) {
      out.push_back(e.as_floating_point()->get());
    } else {
      problems_.add(path(key), e.source(), "expected a number in the array");
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::vector<std::int64_t>> TableReader::integers(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "array of integers");
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    error(key, "expected an array of integers");
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  for (const toml::node& e : *a) {
    if (!e.is_integer()) {
      problems_.add(path(key), e.source(), "expected an integer in the array");
      return std::nullopt;
    }
    out.push_back(e.as_integer()->get());
  }
  return out;
}

std::optional<std::vector<std::string>> TableReader::strings(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "array of strings");
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    error(key, "expected an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const toml::node& e : *a) {
    if (!e.is_string()) {
      problems_.add(path(key), e.source(), "expected a string in the array");
      return std::nullopt;
    }
    out.push_back(e.as_string()->get());
  }
  return out;
}

const toml::table* TableReader::table(std::string_view key, bool required) {
  const toml::node* n = fetch(key, required, "table");
  if (!n) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  error(key, "expected a table");
  return nullptr;
}

void TableReader::finish() {
  std::vector<std::string> known(known_.begin(), known_.end());
  std::set<std::string> explained;
  for (const auto& [k, v] : table_) {
    if (known_.count(k.str())) continue;
    std::string message = "unknown key";
    if (auto hint = did_you_mean(k.str(), known)) {
      message += " (did you mean '" + *hint + "'?)";
      explained.insert(*hint);
    }
    problems_.add(path(k.str()), k.source().begin.line ? k.source() : v.source(), message);
  }
  // A missing key has no line of its own; inside a [table] the table's header line helps.
  for (const auto& [key, what] : missing_) {
    if (explained.count(key)) continue;
    if (prefix_.empty())
      problems_.add(path(key), what);
    else
      problems_.add(path(key), table_.source(), what);
  }
  missing_.clear();
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      };
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  // Edit distance costs length x length; no key or name this long is a typo of a short one.
  if (word.size() > 256) return best;
  std::size_t best_distance = std::max<std::size_t>(3, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string shorten(std::string_view text) {
  constexpr std::size_t kShown = 80;
  if (text.size() <= kShown) return std::string(text);
  return std::string(text.substr(0, kShown)) + "... (" + std::to_string(text.size()) + " characters)";
}

}  // namespace llmsweep::config::detail
