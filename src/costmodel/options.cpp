#include "costmodel/options.hpp"

namespace llmsweep::costmodel {

std::string_view model_kind_name(ModelKind k) {
  switch (k) {
    case ModelKind::reference:
      return "reference";
    case ModelKind::extended:
      return "extended";
  }
  return "?";
}

std::optional<ModelKind> model_kind_from_name(std::string_view name) {
  for (ModelKind k : kAllModelKinds)
    if (name == model_kind_name(k)) return k;
  return std::nullopt;
}

std::string_view zb_latency_name(ZbLatency z) {
  return z == ZbLatency::hidden ? "hidden" : "max";
}

std::optional<ZbLatency> zb_latency_from_name(std::string_view name) {
  for (ZbLatency z : kAllZbLatencies)
    if (name == zb_latency_name(z)) return z;
  return std::nullopt;
}

}  // namespace llmsweep::costmodel
