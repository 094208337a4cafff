// Time of one matmul on one GPU over its memory hierarchy (MODEL.md section 2).
#pragma once

#include <cstdint>

#include "costmodel/hardware.hpp"
#include "costmodel/options.hpp"

namespace llmsweep::costmodel {

struct Traffic {
  double between_levels_bytes = 0;  // x: bytes moved between the two memory levels
  double sm_network_bytes = 0;      // y: bytes on the SM-to-SM network
};

// Blocks of an m x n operand tiled so that each tile fits in `cap` bytes (real-valued counts).
struct Tiling {
  double rows = 0;
  double cols = 0;
};

Tiling tile(double m, double n, double cap, double word_bytes);

Traffic traffic(const Machine& mc, std::int64_t d1, std::int64_t d2, std::int64_t b, double cap, double k,
                bool dist, bool wgrad);

// d1 x d2 weights times b tokens of activations; wgrad selects the weight-gradient product.
// Under `extended`, Blackwell-class GPUs (tensor memory) tile the innermost level in tensor
// memory of a CTA pair (MODEL-EXTENDED.md E1) and systolic engines use E4; every other profile
// gets the reference formula, bit for bit.
double matmul_time(const Machine& mc, std::int64_t d1, std::int64_t d2, std::int64_t b, bool wgrad,
                   ModelKind kind = ModelKind::reference);

// Matmul time of one layer for one microbatch on shards fs x ds with bs tokens (section 4.3).
double layer_matmul_time(const Machine& mc, std::int64_t fs, std::int64_t ds, std::int64_t bs,
                         ModelKind kind = ModelKind::reference);

}  // namespace llmsweep::costmodel
