// The extended model's run-level terms in files (docs/MODEL-EXTENDED.md E5-E7), internal to
// config/: the optional [failures] and [sites] tables of a hardware profile, and the [failures],
// [sites] and [ramp] axes of a sweep spec. Strict like every other table: an unknown key, a
// negative MTBF, a ramp whose fractions do not increase or do not end at 1, a site level faster
// or nearer than the scale-out level are one line naming the key.
#pragma once

#include <string>
#include <vector>

#include "config/axis_values.hpp"
#include "config/hardware_config.hpp"
#include "costmodel/hardware.hpp"
#include "grid/axes.hpp"

namespace llmsweep::config::detail {

// Reads [failures] and [sites] of a profile into hw (absent tables leave them unset).
void read_profile_run_tables(TableReader& top, costmodel::Hardware& hw);
// Checks them against the rest of the profile (the site level must be the top one); throws a
// ConfigError naming the key.
void check_profile_run_tables(const toml::table& doc, const costmodel::Hardware& hw, const std::string& path);
// The numbers of the tables, for the canonical description a spec hash covers ("" when none).
std::string canonical_run_tables(const costmodel::Hardware& hw);

// Reads the spec's [failures], [sites] and [ramp] tables into axes.
void read_run_axes(TableReader& top, Ctx& ctx, grid::Axes& axes);
// Checks every combination of profile and run-term values (each resolves under the extended
// model, which must be on the model axis when a term is given); problems name the spec key.
void check_run_axes(const toml::table& doc, const grid::Axes& axes, const std::vector<Profile>& profiles,
                    Problems& problems);
// 1 when some point of the spec trains across sites on this profile (its plans have a site
// level on top), else 0.
int extra_site_levels(const grid::Axes& axes, const costmodel::Hardware& hw);

}  // namespace llmsweep::config::detail
