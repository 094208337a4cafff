// Sensitivity results in HDF5 (kind = "sensitivity"), so that the analysis reads them like
// sweep results: /sensitivity holds one row per hardware number.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search/sensitivity.hpp"

namespace llmsweep::io {

struct SensitivityMeta {
  std::string hardware_stem;
  std::string hardware_name;
  std::string profile_text;
  std::string experts;
  std::string batch;
  std::string cluster_sizes;
  std::string zb_latency;
  std::string search;
  std::vector<std::int64_t> widths;  // the widths walked
  bool zero_bubble = true;
  double run_months = 3;
  std::string model = "reference";  // costmodel::model_kind_name
};

// Created through a temporary file; refuses an existing path unless `overwrite`.
void write_sensitivity_file(const std::string& path, const SensitivityMeta& meta,
                            const search::Sensitivity& s, bool overwrite);

}  // namespace llmsweep::io
