// Switches between the reference model and its corrected variants (MODEL.md, "Quirks") and the
// opt-in extended model (docs/MODEL-EXTENDED.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace llmsweep::costmodel {

// Q1: what zero-bubble pipelining does with the pipeline latency.
enum class ZbLatency : std::uint8_t {
  hidden = 0,  // reference: the latency is dropped from the step entirely
  max = 1,     // corrected: the step is at least max(X, O, latency)
};
inline constexpr std::array<ZbLatency, 2> kAllZbLatencies{ZbLatency::hidden, ZbLatency::max};

// The one name pair of this vocabulary ("hidden", "max").
std::string_view zb_latency_name(ZbLatency z);
std::optional<ZbLatency> zb_latency_from_name(std::string_view name);

// Which model the cost model and the search follow. `reference` is the original, exactly
// (docs/MODEL.md) and the default everywhere; `extended` adds the terms of docs/MODEL-EXTENDED.md
// and equals `reference` wherever none of them applies (e.g. Hopper and older GPUs on their
// NVLink + scale-out networks).
enum class ModelKind : std::uint8_t {
  reference = 0,
  extended = 1,
};
inline constexpr int kModelKinds = 2;
inline constexpr std::array<ModelKind, kModelKinds> kAllModelKinds{ModelKind::reference, ModelKind::extended};

// The one name pair of this vocabulary: CLI options, spec values, result labels and JSON use it.
std::string_view model_kind_name(ModelKind k);
std::optional<ModelKind> model_kind_from_name(std::string_view name);

struct Options {
  ZbLatency zb_latency = ZbLatency::hidden;
  ModelKind model_kind = ModelKind::reference;
  bool operator==(const Options&) const = default;
};

}  // namespace llmsweep::costmodel
