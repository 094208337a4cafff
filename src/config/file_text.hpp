// Reading a configuration file (sweep spec, hardware profile, vectors file) whole, internal to
// config/: only regular files up to kMaxConfigFileBytes, every failure a ConfigError that names
// the file and says what is wrong with it (a folder, a device, missing, unreadable, too large).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmsweep::config::detail {

// Far above any real spec (the paper's is 2 KB, the golden vectors 300 KB); a bound on memory.
inline constexpr std::uintmax_t kMaxConfigFileBytes = std::uintmax_t{64} << 20;

// `what` names the kind of file in messages ("sweep spec", "hardware profile", "vectors file").
std::string read_config_file(const std::string& path, std::string_view what);

}  // namespace llmsweep::config::detail
