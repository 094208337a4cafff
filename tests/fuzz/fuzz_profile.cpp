// libFuzzer target: the hardware-profile loader (config::parse_profile) on arbitrary bytes, then
// the cost model on every profile it accepts (derived quantities, the flattened network, one
// matmul, one plan and the best plan on 16 GPUs for a small model), so that any profile that
// passes check_hardware is also one the model computes without undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "config/hardware_config.hpp"
#include "costmodel/evaluate.hpp"
#include "costmodel/matmul.hpp"
#include "search/best_plan.hpp"

namespace {

llmsweep::costmodel::Model small_model() {
  llmsweep::costmodel::Model m;  // d = 1024, f = 4d, L = 8, E = 2, 16 sequences of 2048 tokens
  m.d_model = 1024;
  m.d_ff = 4096;
  m.layers = 8;
  m.experts = 2;
  m.batch_seqs = 16;
  m.seq_len = 2048;
  return m;
}

void exercise(const llmsweep::costmodel::Hardware& hw) {
  using namespace llmsweep;
  const costmodel::Machine mc = costmodel::make_machine(hw);
  (void)costmodel::flatten(hw);
  (void)costmodel::matmul_time(mc, 1024, 4096, 2048, true);
  const costmodel::Model model = small_model();
  costmodel::Plan plan;
  plan.levels = hw.levels();
  plan.at(costmodel::Kind::pp, plan.levels - 1) = 2;
  plan.at(costmodel::Kind::ep, plan.levels - 1) = 2;
  if (costmodel::check_plan(hw, model, plan).empty()) (void)costmodel::evaluate(mc, model, plan);
  (void)search::best_plan(mc, model, 16, search::SearchOptions{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    exercise(llmsweep::config::parse_profile(text, "fuzz.toml").hardware);
  } catch (const llmsweep::Error&) {
    // Refused as bad input.
  }
  return 0;
}
