#include "io/sensitivity_file.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "common/error.hpp"
#include "common/version.hpp"
#include "grid/schema.hpp"
#include "io/hdf5_util.hpp"

namespace llmsweep::io {
namespace {

namespace fs = std::filesystem;
using h5::Handle;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double value(const std::optional<double>& v) {
  return v ? *v : kNaN;
}

void column(hid_t group, const std::string& name, const std::vector<double>& v, const std::string& units,
            const std::string& description, const std::string& file) {
  const hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle ds(h5::check(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                 H5P_DEFAULT),
                      file, "/sensitivity/" + name, "cannot create dataset"),
            H5Dclose);
  if (n)
    h5::check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), file, name,
              "cannot write");
  h5::write_string_attribute(ds.get(), "units", units, file);
  h5::write_string_attribute(ds.get(), "description", description, file);
}

// A rows x steps table (row-major), for the per-step figures.
void table(hid_t group, const std::string& name, const std::vector<double>& v, std::size_t rows,
           std::size_t steps, const std::string& units, const std::string& description,
           const std::string& file) {
  const hsize_t dims[2] = {rows, steps};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  Handle ds(h5::check(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                 H5P_DEFAULT),
                      file, "/sensitivity/" + name, "cannot create dataset"),
            H5Dclose);
  if (!v.empty())
    h5::check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), file, name,
              "cannot write");
  h5::write_string_attribute(ds.get(), "units", units, file);
  h5::write_string_attribute(ds.get(), "description",
                             description + " (one row per number, one column per step)", file);
}

// Every step's figures of every row: rows x steps tables, one per quantity.
void step_tables(hid_t group, const search::Sensitivity& s, const std::string& file) {
  struct Quantity {
    const char* name;
    const char* units;
    const char* description;
    double (*get)(const search::SensitivityStep&);
  };
  static const Quantity quantities[] = {
      {"wall_elasticity_steps", "1", "central elasticity of the latency wall",
       [](const search::SensitivityStep& t) { return value(t.wall_elasticity); }},
      {"wall_down_elasticity_steps", "1", "one-sided elasticity of the wall, number divided by the step",
       [](const search::SensitivityStep& t) { return value(t.wall_down_elasticity); }},
      {"wall_up_elasticity_steps", "1", "one-sided elasticity of the wall, number multiplied by the step",
       [](const search::SensitivityStep& t) { return value(t.wall_up_elasticity); }},
      {"wall_regime_change_steps", "bool", "the two sides of the wall differ by more than 2x",
       [](const search::SensitivityStep& t) { return t.wall_regime_change ? 1.0 : 0.0; }},
      {"wall_down_flop_steps", "FLOP", "largest feasible compute with the number divided by the step",
       [](const search::SensitivityStep& t) { return value(t.down.largest_feasible_flop); }},
      {"wall_up_flop_steps", "FLOP", "largest feasible compute with the number multiplied by the step",
       [](const search::SensitivityStep& t) { return value(t.up.largest_feasible_flop); }},
      {"linear_scaling_elasticity_steps", "1", "central elasticity of the end of linear scaling",
       [](const search::SensitivityStep& t) { return value(t.linear_scaling_elasticity); }},
      {"linear_scaling_down_elasticity_steps", "1",
       "one-sided elasticity of the end of linear scaling, divided",
       [](const search::SensitivityStep& t) { return value(t.linear_scaling_down_elasticity); }},
      {"linear_scaling_up_elasticity_steps", "1",
       "one-sided elasticity of the end of linear scaling, multiplied",
       [](const search::SensitivityStep& t) { return value(t.linear_scaling_up_elasticity); }},
      {"linear_scaling_regime_change_steps", "bool",
       "the two sides of the end of linear scaling differ by more than 2x",
       [](const search::SensitivityStep& t) { return t.linear_scaling_regime_change ? 1.0 : 0.0; }},
      {"linear_scaling_down_flop_steps", "FLOP", "end of linear scaling with the number divided by the step",
       [](const search::SensitivityStep& t) { return value(t.down.linear_scaling_ends_flop); }},
      {"linear_scaling_up_flop_steps", "FLOP", "end of linear scaling with the number multiplied by the step",
       [](const search::SensitivityStep& t) { return value(t.up.linear_scaling_ends_flop); }},
  };
  const std::size_t steps = s.factors.size();
  for (const Quantity& q : quantities) {
    std::vector<double> v;
    for (const search::SensitivityRow& r : s.rows)
      for (const search::SensitivityStep& t : r.steps) v.push_back(q.get(t));
    table(group, q.name, v, s.rows.size(), steps, q.units, q.description, file);
  }
  std::vector<double> any_wall, any_linear;
  for (const search::SensitivityRow& r : s.rows) {
    bool w = false, l = false;
    for (const search::SensitivityStep& t : r.steps) {
      w = w || t.wall_regime_change;
      l = l || t.linear_scaling_regime_change;
    }
    any_wall.push_back(w ? 1 : 0);
    any_linear.push_back(l ? 1 : 0);
  }
  column(
      group, "wall_regime_change", any_wall, "bool",
      "at some step the divided and multiplied sides of the wall differ by more than 2x: a change of regime",
      file);
  column(group, "linear_scaling_regime_change", any_linear, "bool",
         "at some step the two sides of the end of linear scaling differ by more than 2x: a change of regime",
         file);
}

// Whether the walk met an infeasible width: if not, the "wall" is only the widest width walked.
double bounded(const search::RefinedThresholds& t) {
  return t.coarse.first_infeasible_d_model ? 1.0 : 0.0;
}

void thresholds(hid_t root, const std::string& prefix, const search::RefinedThresholds& t,
                const std::string& file) {
  h5::write_int_attribute(root, prefix + "wall_reached", t.coarse.first_infeasible_d_model ? 1 : 0, file);
  h5::write_int_attribute(root, prefix + "first_infeasible_d_model",
                          t.coarse.first_infeasible_d_model ? *t.coarse.first_infeasible_d_model : -1, file);
  h5::write_doubles_attribute(root, prefix + "linear_scaling_ends_flop", {value(t.linear_scaling_ends_flop)},
                              file);
  h5::write_doubles_attribute(root, prefix + "largest_feasible_flop", {value(t.largest_feasible_flop)}, file);
  h5::write_doubles_attribute(root, prefix + "coarse_linear_scaling_ends_flop",
                              {value(t.coarse.linear_scaling_ends_flop)}, file);
  h5::write_doubles_attribute(root, prefix + "coarse_largest_feasible_flop",
                              {value(t.coarse.largest_feasible_flop)}, file);
}

}  // namespace

void write_sensitivity_file(const std::string& path, const SensitivityMeta& meta,
                            const search::Sensitivity& s, bool overwrite) {
  h5::quiet();
  if (fs::exists(path) && !overwrite)
    throw ResultFileError(path, "", "already exists; use --overwrite to replace it");
  h5::create_atomically(path, [&](hid_t root) {
    h5::write_int_attribute(root, "schema_version", grid::kSchemaVersion, path);
    h5::write_string_attribute(root, "kind", "sensitivity", path);
    h5::write_string_attribute(root, "llmsweep_version", std::string(version()), path);
    h5::write_string_attribute(root, "git_hash", std::string(git_hash()), path);
    h5::write_string_attribute(root, "hardware", meta.hardware_stem, path);
    h5::write_string_attribute(root, "hardware_name", meta.hardware_name, path);
    h5::write_string_attribute(root, "profile:" + meta.hardware_stem, meta.profile_text, path);
    h5::write_string_attribute(root, "experts", meta.experts, path);
    h5::write_string_attribute(root, "batch", meta.batch, path);
    h5::write_string_attribute(root, "cluster_sizes", meta.cluster_sizes, path);
    h5::write_string_attribute(root, "zb_latency", meta.zb_latency, path);
    h5::write_string_attribute(root, "model", meta.model, path);
    h5::write_string_attribute(root, "search", meta.search, path);
    h5::write_ints_attribute(root, "widths", meta.widths, path);
    h5::write_int_attribute(root, "zero_bubble", meta.zero_bubble ? 1 : 0, path);
    h5::write_doubles_attribute(root, "run_months", {meta.run_months}, path);
    // `factor` and the 1-D datasets below are the last step's (x/÷ 2 by default, as before --step);
    // every step is in the *_steps tables, one column per entry of `steps`.
    h5::write_doubles_attribute(root, "factor", {s.factors.empty() ? 0.0 : s.factors.back()}, path);
    h5::write_doubles_attribute(root, "steps", s.factors.empty() ? std::vector<double>{0.0} : s.factors,
                                path);
    thresholds(root, "baseline_", s.baseline, path);
    Handle g(h5::check(H5Gcreate2(root, "sensitivity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                       "/sensitivity", "cannot create group"),
             H5Gclose);
    std::vector<std::string> names, units;
    std::vector<double> base, e_lin, e_wall, lin_down, lin_up, wall_down, wall_up, reached_down, reached_up;
    for (const search::SensitivityRow& row : s.rows) {
      const search::SensitivityStep& r = row.primary();
      names.emplace_back(search::hardware_number_name(row.number));
      units.emplace_back(search::hardware_number_units(row.number));
      base.push_back(row.baseline_value);
      e_lin.push_back(value(r.linear_scaling_elasticity));
      e_wall.push_back(value(r.wall_elasticity));
      lin_down.push_back(value(r.down.linear_scaling_ends_flop));
      lin_up.push_back(value(r.up.linear_scaling_ends_flop));
      wall_down.push_back(value(r.down.largest_feasible_flop));
      wall_up.push_back(value(r.up.largest_feasible_flop));
      reached_down.push_back(bounded(r.down));
      reached_up.push_back(bounded(r.up));
    }
    h5::write_strings_attribute(g.get(), "number", names.empty() ? std::vector<std::string>{""} : names,
                                path);
    h5::write_strings_attribute(g.get(), "units", units.empty() ? std::vector<std::string>{""} : units, path);
    h5::write_string_attribute(
        g.get(), "description",
        "one row per hardware number, ranked by the wall's elasticity at the last step; elasticity = "
        "ln(threshold at x factor / threshold at / factor) / (2 ln factor); the 1-D datasets "
        "are the first step's (attribute factor), the *_steps tables every step's",
        path);
    column(g.get(), "baseline_value", base, "see the units attribute of the group", "the profile's value",
           path);
    column(g.get(), "wall_elasticity", e_wall, "1",
           "elasticity of the largest feasible compute (latency wall)", path);
    column(g.get(), "linear_scaling_elasticity", e_lin, "1",
           "elasticity of the compute where linear scaling ends", path);
    column(g.get(), "wall_down_flop", wall_down, "FLOP",
           "largest feasible compute with the number divided by factor", path);
    column(g.get(), "wall_up_flop", wall_up, "FLOP",
           "largest feasible compute with the number multiplied by factor", path);
    column(g.get(), "linear_scaling_down_flop", lin_down, "FLOP",
           "end of linear scaling with the number divided by factor", path);
    column(g.get(), "linear_scaling_up_flop", lin_up, "FLOP",
           "end of linear scaling with the number multiplied by factor", path);
    column(g.get(), "wall_down_reached", reached_down, "bool",
           "1 when the walk met an infeasible width (a real wall), 0 when the wall value is only the widest "
           "width walked",
           path);
    column(g.get(), "wall_up_reached", reached_up, "bool",
           "1 when the walk met an infeasible width (a real wall), 0 when the wall value is only the widest "
           "width walked",
           path);
    std::vector<double> primary;
    for (const search::SensitivityRow& row : s.rows) primary.push_back(row.primary().factor);
    column(
        g.get(), "primary_factor", primary, "1",
        "the step the 1-D datasets of this row come from: the first step, or the first that applies to this "
        "number (a domain of 8 GPUs cannot be divided by 1.25)",
        path);
    step_tables(g.get(), s, path);
  });
}

}  // namespace llmsweep::io
