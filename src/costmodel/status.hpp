// Why a point has no result. Infeasibility is a result, not an exception: sweeps store the
// code per point and the code table once per file.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace llmsweep::costmodel {

enum class Status : std::uint8_t {
  ok = 0,
  memory = 1,          // parameters plus optimizer state exceed the cluster's memory
  no_plan = 2,         // no parallel plan fits this model on this cluster size
  deadline = 3,        // no cluster size up to E * 2^59 finishes within the run duration
  cluster_levels = 4,  // the cluster size does not fill the network levels below the top
  invalid_plan = 5,    // explicit degrees that do not multiply to the cluster or divide the model
  needs_extended = 6,  // the hardware has a torus level or systolic arrays: only `extended` models it
};

inline constexpr int kStatusCount = 7;

std::string_view status_name(Status s);
std::string_view status_description(Status s);
std::optional<Status> status_from_name(std::string_view name);

}  // namespace llmsweep::costmodel
