// The profile keys of the extended model (docs/MODEL-EXTENDED.md) and the descriptive ones
// (vendor, year, preliminary), read strictly like the rest. Internal to config/.
#pragma once

#include <string>

#include "config/toml_reader.hpp"
#include "costmodel/hardware.hpp"

namespace llmsweep::config::detail {

struct ProfileInfo {
  std::string vendor;  // empty when the profile does not say
  int year = 0;        // year the system shipped (or is announced to); 0 when not given
  bool preliminary = false;
};

// `matmul_engine` ("sm", the default, or "systolic").
costmodel::MatmulEngine read_engine(TableReader& top);
// E1 keys for SM engines (tensor_memory_KiB, cta_pair_mma); E4 keys for systolic ones
// (peak_dense_TFLOPS, onchip_memory_MiB, systolic_array_dim); and the descriptive keys.
void read_extended(TableReader& top, costmodel::Hardware& hw, ProfileInfo& info);
// E3 keys of [network]: topology (one "switch"/"torus" per level) and torus_dims.
void read_topology(TableReader& net, costmodel::Hardware& hw);
// SM keys must be absent on a systolic engine; call before finish().
void refuse_sm_keys(TableReader& top);

}  // namespace llmsweep::config::detail
