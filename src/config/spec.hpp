// Sweep specs: TOML files in sweep/ describing a grid, read strictly (every problem reported
// with file:line:column and key) and resolved to grid axes before anything is written.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/hardware_config.hpp"
#include "grid/axes.hpp"
#include "grid/keep.hpp"

namespace llmsweep::config {

// Limits of a spec beyond those of the model (docs/sweep-spec.md, "Limits"); each axis also
// has at most 100000 values, and the grid at most 2^64 - 1 points.
inline constexpr std::int64_t kMaxDegree = std::int64_t{1} << 40;  // a parallelism degree or total
inline constexpr double kMaxFfRatio = 1e6;                         // d_ff_ratio
inline constexpr std::size_t kMaxProfiles = 1000;                  // hardware.profiles

struct SweepSpec {
  std::string path;
  std::string text;  // the file as read, stored in results files
  std::string name;
  std::string description;
  grid::Axes axes;
  std::vector<Profile> profiles;          // one per hardware axis value, same order
  std::vector<std::string> profile_refs;  // as the spec names them (stem, display name or path)
  grid::KeepRule keep;                    // the [output] table
  // A normalised description of everything that decides the grid's rows (axis values and the
  // profiles' numbers, not comments or paths) and its SHA-256: what --resume compares.
  std::string canonical;
  std::string hash;
  int max_levels = 1;  // most network levels among the profiles
};

// Resolves a profile reference of the spec (a stem, a display name or a path) to a profile.
using ProfileResolver = std::function<Profile(const std::string& ref)>;

SweepSpec load_spec(const std::string& path, const std::string& profile_dir = default_profile_dir());
SweepSpec parse_spec(const std::string& text, const std::string& path,
                     const std::string& profile_dir = default_profile_dir());
SweepSpec parse_spec(const std::string& text, const std::string& path, const ProfileResolver& resolve);

// The spec with its profiles, as one text: what rank 0 reads and every other rank parses, so
// that workers read no file.
std::string pack_spec(const SweepSpec& spec);
SweepSpec unpack_spec(const std::string& bundle);

}  // namespace llmsweep::config
