// The spec bundle: the spec's text and path and every profile it names (reference, path and
// text), each as a length-prefixed string.
#include <cstdint>
#include <stdexcept>

#include "common/error.hpp"
#include "config/spec.hpp"

namespace llmsweep::config {
namespace {

void put(std::string& out, const std::string& s) {
  const std::uint64_t n = s.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}

std::string get(const std::string& in, std::size_t& at) {
  std::uint64_t n = 0;
  if (in.size() - at < sizeof n) throw InternalError("the spec bundle is cut short");
  std::copy_n(in.data() + at, sizeof n, reinterpret_cast<char*>(&n));
  at += sizeof n;
  if (in.size() - at < n) throw InternalError("the spec bundle is cut short");
  std::string s = in.substr(at, n);
  at += n;
  return s;
}

}  // namespace

std::string pack_spec(const SweepSpec& spec) {
  std::string out;
  put(out, spec.path);
  put(out, spec.text);
  put(out, std::to_string(spec.profiles.size()));
  for (std::size_t i = 0; i < spec.profiles.size(); ++i) {
    put(out, spec.profile_refs[i]);
    put(out, spec.profiles[i].path);
    put(out, spec.profiles[i].text);
  }
  return out;
}

SweepSpec unpack_spec(const std::string& bundle) {
  std::size_t at = 0;
  const std::string path = get(bundle, at);
  const std::string text = get(bundle, at);
  const std::size_t n = std::stoul(get(bundle, at));
  std::vector<std::array<std::string, 3>> profiles(n);
  for (auto& p : profiles)
    for (std::string& field : p) field = get(bundle, at);
  // The profiles come from the bundle, never from files: every rank computes what rank 0 read.
  return parse_spec(text, path, [&profiles](const std::string& ref) {
    for (const auto& p : profiles)
      if (p[0] == ref) return parse_profile(p[2], p[1]);
    throw InternalError("the spec bundle has no profile '" + ref + "'");
  });
}

}  // namespace llmsweep::config
