// The model side (MODEL.md section 4): one MLP-only transformer and its batch.
#pragma once

#include <cstdint>
#include <string>

namespace llmsweep::costmodel {

// Ranges validate_model enforces: with them every product of the model's integers (d x f,
// tokens per step, shard sizes) stays exact in int64 and in doubles.
inline constexpr std::int64_t kMaxModelInteger = std::int64_t{1} << 53;  // d, f, L, B x S, d x f
inline constexpr std::int64_t kMaxExperts = std::int64_t{1} << 30;

struct Model {
  std::int64_t d_model = 0;     // d
  std::int64_t d_ff = 0;        // f
  std::int64_t layers = 0;      // L
  std::int64_t experts = 1;     // E (1 = dense)
  std::int64_t batch_seqs = 0;  // B, sequences per step
  std::int64_t seq_len = 0;     // S, tokens per sequence

  std::int64_t tokens_per_step() const { return batch_seqs * seq_len; }
  // Parameters and tokens pass 2^63 for the widest sparse models, so they are doubles.
  double params() const {
    return 2.0 * static_cast<double>(d_model) * static_cast<double>(d_ff) * static_cast<double>(layers) *
           static_cast<double>(experts);
  }
  double active_params() const { return params() / static_cast<double>(experts); }
  double tokens() const { return 20.0 * params(); }
  double steps() const { return tokens() / static_cast<double>(tokens_per_step()); }
  // Training compute C = 6 * P * D / E (section 7).
  double compute_flop() const { return 6.0 * params() * tokens() / static_cast<double>(experts); }
};

// Empty when the model is usable; otherwise a one-line reason naming the field.
std::string validate_model(const Model& model);

}  // namespace llmsweep::costmodel
