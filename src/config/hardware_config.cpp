#include "config/hardware_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "config/run_terms_config.hpp"
#include "config/toml_reader.hpp"

#ifndef LLMSWEEP_PROFILE_DIR
#define LLMSWEEP_PROFILE_DIR "hardware_profiles"
#endif

namespace llmsweep::config {
namespace fs = std::filesystem;
using detail::Problems;
using detail::TableReader;

namespace {

// Unit conversions. Dividing by an exact power of ten keeps a decimal input correctly rounded.
constexpr double kGiga = 1e9;
constexpr double kMega = 1e6;
constexpr double kMiB = 1048576.0;

void read_network(TableReader& top, costmodel::Hardware& hw) {
  const toml::table* net = top.table("network", true);
  if (!net) return;
  TableReader r(*net, "network", top.problems());
  if (auto sizes = r.integers("level_sizes", true)) hw.level_sizes = *sizes;
  if (auto bw = r.numbers("link_bandwidth_GBps", true)) {
    hw.link_bandwidth_Bps.clear();
    for (double b : *bw) hw.link_bandwidth_Bps.push_back(b * kGiga);
  }
  if (auto lat = r.numbers("link_latency_us", true)) {
    hw.link_latency_s.clear();
    for (double l : *lat) hw.link_latency_s.push_back(l / kMega);
  }
  r.finish();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", 0, 0, "cannot open hardware profile");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Profile parse_profile(const std::string& text, const std::string& path) {
  const toml::table doc = detail::parse_text(text, path);
  Problems problems(path);
  TableReader r(doc, "", problems);
  costmodel::Hardware hw;
  if (auto v = r.string("name", true)) hw.name = *v;
  if (auto v = r.integer("bits", true)) hw.bits = static_cast<int>(*v);
  if (auto v = r.number("flop_per_clock_per_thread", true)) hw.flop_per_clock_per_thread = *v;
  if (auto v = r.number("register_bytes_per_block", true)) hw.register_bytes_per_block = *v;
  if (auto v = r.integer("sms", true)) hw.sms = *v;
  if (auto v = r.number("l2_bandwidth_GBps", true)) hw.l2_bandwidth_Bps = *v * kGiga;
  if (auto v = r.number("l2_size_MiB", true)) hw.l2_bytes = *v * kMiB;
  if (auto v = r.number("hbm_bandwidth_GBps", true)) hw.hbm_bandwidth_Bps = *v * kGiga;
  if (auto v = r.number("max_clock_MHz", true)) hw.max_clock_hz = *v * kMega;
  if (auto v = r.number("utilization_cap", true)) hw.utilization_cap = *v;
  if (auto v = r.boolean("dsmem", true)) hw.dsmem = *v;
  if (auto v = r.number("memory_GB", true)) hw.memory_bytes = *v * kGiga;
  if (auto v = r.number("kernel_latency_us", true)) hw.kernel_latency_s = *v / kMega;
  read_network(r, hw);
  detail::read_profile_run_tables(r, hw);  // extended model only (docs/MODEL-EXTENDED.md E4, E5)
  r.finish();
  problems.throw_if_any();
  if (const auto problem = costmodel::check_hardware(hw)) {
    // The profile's key for each field, so the error points at the line to fix.
    static const std::map<std::string, std::string> keys{{"l2_bandwidth", "l2_bandwidth_GBps"},
                                                         {"l2_bytes", "l2_size_MiB"},
                                                         {"hbm_bandwidth", "hbm_bandwidth_GBps"},
                                                         {"max_clock", "max_clock_MHz"},
                                                         {"memory", "memory_GB"},
                                                         {"kernel_latency", "kernel_latency_us"},
                                                         {"level_sizes", "network.level_sizes"},
                                                         {"link_bandwidth", "network.link_bandwidth_GBps"},
                                                         {"link_latency", "network.link_latency_us"}};
    const auto it = keys.find(problem->field);
    const std::string key = it == keys.end() ? problem->field : it->second;
    const toml::node_view<const toml::node> node = doc.at_path(key);
    const int line = node ? static_cast<int>(node.node()->source().begin.line) : 0;
    const int column = node ? static_cast<int>(node.node()->source().begin.column) : 0;
    throw ConfigError(path, key, line, column, "invalid value: " + problem->message);
  }
  detail::check_profile_run_tables(doc, hw, path);
  Profile p;
  p.hardware = std::move(hw);
  p.path = path;
  p.stem = fs::path(path).stem().string();
  p.text = text;
  return p;
}

Profile load_profile(const std::string& path) {
  return parse_profile(read_text(path), path);
}

std::string default_profile_dir() {
  if (const char* env = std::getenv("LLMSWEEP_PROFILE_DIR"); env && *env) return env;
  return LLMSWEEP_PROFILE_DIR;
}

std::vector<Profile> list_profiles(const std::string& dir) {
  std::vector<Profile> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".toml") continue;
    out.push_back(load_profile(entry.path().string()));
  }
  if (ec) throw ConfigError(dir, "", 0, 0, "cannot list hardware profiles: " + ec.message());
  std::sort(out.begin(), out.end(), [](const Profile& a, const Profile& b) { return a.stem < b.stem; });
  return out;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Profile resolve_profile(const std::string& ref, const std::string& dir) {
  if (ref.empty()) throw UsageError("hardware profile name is empty");
  const bool looks_like_path = ref.find('/') != std::string::npos || fs::path(ref).extension() == ".toml";
  if (looks_like_path) {
    if (!fs::is_regular_file(ref)) throw ConfigError(ref, "", 0, 0, "hardware profile file not found");
    return load_profile(ref);
  }
  const fs::path by_stem = fs::path(dir) / (ref + ".toml");
  if (fs::is_regular_file(by_stem)) return load_profile(by_stem.string());
  std::vector<Profile> all = list_profiles(dir);
  std::vector<std::string> names;
  for (Profile& p : all) {
    if (lower(p.hardware.name) == lower(ref)) return std::move(p);
    names.push_back(p.stem);
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  std::string message = "unknown hardware profile '" + ref + "'";
  if (auto hint = detail::did_you_mean(ref, names)) message += " (did you mean '" + *hint + "'?)";
  throw UsageError(message + "; known profiles in " + dir + ": " + known);
}

}  // namespace llmsweep::config
