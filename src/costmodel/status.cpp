#include "costmodel/status.hpp"

#include <array>

namespace llmsweep::costmodel {
namespace {

struct StatusText {
  std::string_view name;
  std::string_view description;
};

constexpr std::array<StatusText, kStatusCount> kText{{
    {"ok", "feasible"},
    {"memory", "parameters plus optimizer state exceed the cluster's memory"},
    {"no_plan", "no parallel plan fits this model on this cluster size"},
    {"deadline", "no cluster size finishes the run within its duration"},
    {"cluster_levels", "the cluster size does not fill the network levels below the top"},
    {"invalid_plan", "the degrees do not multiply to the cluster or do not divide the model"},
    {"needs_extended", "the hardware (a torus network or systolic arrays) needs the extended model"},
}};

}  // namespace

std::string_view status_name(Status s) {
  return kText[static_cast<std::size_t>(s)].name;
}
std::string_view status_description(Status s) {
  return kText[static_cast<std::size_t>(s)].description;
}
std::optional<Status> status_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kText.size(); ++i)
    if (kText[i].name == name) return static_cast<Status>(i);
  return std::nullopt;
}

}  // namespace llmsweep::costmodel
