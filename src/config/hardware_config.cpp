#include "config/hardware_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "config/file_text.hpp"
#include "config/profile_extended.hpp"
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

// A number or an array of numbers as the profile wrote it, for error messages (toml++'s own
// formatter converts an infinite float to an integer while it measures arrays: undefined
// behaviour that UBSan reports).
std::string number_text(const toml::node& n) {
  if (const auto* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + number_text(*a->get(i));
    return out + "]";
  }
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) {
    std::ostringstream s;
    s << f->get();
    return s.str();
  }
  return "?";
}

// Unit conversions. Dividing by an exact power of ten keeps a decimal input correctly rounded.
constexpr double kGiga = 1e9;
constexpr double kMega = 1e6;
constexpr double kMiB = 1048576.0;

// A value in SI units. A finite value too large to convert becomes NaN, which check_hardware
// refuses as out of range, rather than infinity, which a bandwidth may legitimately be.
double si(double value, double unit) {
  const double out = value * unit;
  return std::isfinite(value) && !std::isfinite(out) ? std::numeric_limits<double>::quiet_NaN() : out;
}

void read_network(TableReader& top, costmodel::Hardware& hw) {
  const toml::table* net = top.table("network", true);
  if (!net) return;
  TableReader r(*net, "network", top.problems());
  if (auto sizes = r.integers("level_sizes", true)) hw.level_sizes = *sizes;
  if (auto bw = r.numbers("link_bandwidth_GBps", true)) {
    hw.link_bandwidth_Bps.clear();
    for (double b : *bw) hw.link_bandwidth_Bps.push_back(si(b, kGiga));
  }
  if (auto lat = r.numbers("link_latency_us", true)) {
    hw.link_latency_s.clear();
    for (double l : *lat) hw.link_latency_s.push_back(l / kMega);
  }
  detail::read_topology(r, hw);
  r.finish();
}

}  // namespace

Profile parse_profile(const std::string& text, const std::string& path) {
  const toml::table doc = detail::parse_text(text, path);
  Problems problems(path);
  TableReader r(doc, "", problems);
  costmodel::Hardware hw;
  if (auto v = r.string("name", true)) hw.name = *v;
  // Out of int's range is out of check_hardware's range too: 0 makes it say so.
  if (auto v = r.integer("bits", true))
    hw.bits = *v > 0 && *v <= costmodel::kMaxBits ? static_cast<int>(*v) : 0;
  hw.engine = detail::read_engine(r);
  const bool sm = hw.engine == costmodel::MatmulEngine::sm;
  if (sm) {
    if (auto v = r.number("flop_per_clock_per_thread", true)) hw.flop_per_clock_per_thread = *v;
    if (auto v = r.number("register_bytes_per_block", true)) hw.register_bytes_per_block = *v;
    if (auto v = r.integer("sms", true)) hw.sms = *v;
    if (auto v = r.number("l2_bandwidth_GBps", true)) hw.l2_bandwidth_Bps = si(*v, kGiga);
    if (auto v = r.number("l2_size_MiB", true)) hw.l2_bytes = si(*v, kMiB);
    if (auto v = r.number("max_clock_MHz", true)) hw.max_clock_hz = si(*v, kMega);
    if (auto v = r.boolean("dsmem", true)) hw.dsmem = *v;
  } else {
    detail::refuse_sm_keys(r);
  }
  detail::ProfileInfo info;
  detail::read_extended(r, hw, info);
  if (auto v = r.number("hbm_bandwidth_GBps", true)) hw.hbm_bandwidth_Bps = si(*v, kGiga);
  if (auto v = r.number("utilization_cap", true)) hw.utilization_cap = *v;
  if (auto v = r.number("memory_GB", true)) hw.memory_bytes = si(*v, kGiga);
  if (auto v = r.number("kernel_latency_us", true)) hw.kernel_latency_s = *v / kMega;
  read_network(r, hw);
  detail::read_profile_run_tables(r, hw);  // extended model only (docs/MODEL-EXTENDED.md E5, E6)
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
                                                         {"link_latency", "network.link_latency_us"},
                                                         {"tensor_memory", "tensor_memory_KiB"},
                                                         {"systolic_peak_flops", "peak_dense_TFLOPS"},
                                                         {"onchip_memory", "onchip_memory_MiB"},
                                                         {"topology", "network.topology"},
                                                         {"torus_dims", "network.torus_dims"}};
    const auto it = keys.find(problem->field);
    const std::string key = it == keys.end() ? problem->field : it->second;
    const toml::node_view<const toml::node> node = doc.at_path(key);
    const int line = node ? static_cast<int>(node.node()->source().begin.line) : 0;
    const int column = node ? static_cast<int>(node.node()->source().begin.column) : 0;
    std::string value;
    if (node && (node.is_number() || node.is_array()) && problem->message.find("got ") == std::string::npos) {
      value = " (got " + number_text(*node.node()) + ")";
    }
    throw ConfigError(path, key, line, column, "invalid value: " + problem->message + value);
  }
  detail::check_profile_run_tables(doc, hw, path);
  Profile p;
  p.hardware = std::move(hw);
  p.path = path;
  p.stem = fs::path(path).stem().string();
  p.text = text;
  p.vendor = info.vendor;
  p.year = info.year;
  p.preliminary = info.preliminary;
  return p;
}

Profile load_profile(const std::string& path) {
  return parse_profile(detail::read_config_file(path, "hardware profile"), path);
}

std::string default_profile_dir() {
  if (const char* env = std::getenv("LLMSWEEP_PROFILE_DIR"); env && *env) return env;
  return LLMSWEEP_PROFILE_DIR;
}

std::vector<Profile> list_profiles(const std::string& dir) {
  std::vector<Profile> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code type_ec;  // a folder named x.toml is not a profile
    if (entry.path().extension() != ".toml" || !entry.is_regular_file(type_ec)) continue;
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
  // The error_code forms: a name too long for a file name is an unknown name, not a crash.
  std::error_code ec;
  if (looks_like_path) {
    if (!fs::exists(ref, ec)) throw ConfigError(ref, "", 0, 0, "hardware profile file not found");
    return load_profile(ref);  // a folder or a device gets its own message there
  }
  const fs::path by_stem = fs::path(dir) / (ref + ".toml");
  if (fs::is_regular_file(by_stem, ec)) return load_profile(by_stem.string());
  std::vector<Profile> all = list_profiles(dir);
  std::vector<std::string> names;
  for (Profile& p : all) {
    if (lower(p.hardware.name) == lower(ref)) return std::move(p);
    names.push_back(p.stem);
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  std::string message = "unknown hardware profile '" + detail::shorten(ref) + "'";
  if (auto hint = detail::did_you_mean(ref, names)) message += " (did you mean '" + *hint + "'?)";
  throw UsageError(message + "; known profiles in " + dir + ": " + known);
}

}  // namespace llmsweep::config
