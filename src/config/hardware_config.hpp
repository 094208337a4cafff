// Hardware profiles: TOML files with units in key names, converted to SI once here.
#pragma once

#include <string>
#include <vector>

#include "costmodel/hardware.hpp"

namespace llmsweep::config {

struct Profile {
  costmodel::Hardware hardware;
  std::string stem;  // file name without .toml
  std::string path;
  std::string text;          // the file as read, stored in result files
  std::string vendor;        // "NVIDIA", "Google", ...; empty when the profile does not say
  int year = 0;              // when the system ships; 0 when not given
  bool preliminary = false;  // numbers of an unreleased system, from announcements
};

Profile load_profile(const std::string& path);
Profile parse_profile(const std::string& text, const std::string& path);

// Where profiles are looked up by name: $LLMSWEEP_PROFILE_DIR, else the source tree's
// hardware_profiles/ (compiled in).
std::string default_profile_dir();

// All profiles of a folder, sorted by stem.
std::vector<Profile> list_profiles(const std::string& dir = default_profile_dir());

// A stem ("h100-sxm"), a display name ("H100 SXM", any case) or a path to a profile file.
Profile resolve_profile(const std::string& ref, const std::string& dir = default_profile_dir());

}  // namespace llmsweep::config
