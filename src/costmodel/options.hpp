// Switches between the reference model and its corrected variants (MODEL.md, "Quirks").
#pragma once

namespace llmsweep::costmodel {

// Q1: what zero-bubble pipelining does with the pipeline latency.
enum class ZbLatency {
  hidden,  // reference: the latency is dropped from the step entirely
  max,     // corrected: the step is at least max(X, O, latency)
};

struct Options {
  ZbLatency zb_latency = ZbLatency::hidden;
  bool operator==(const Options&) const = default;
};

}  // namespace llmsweep::costmodel
