// libFuzzer target: the golden-vector reader and checker (config::verify_vectors_text) on
// arbitrary bytes: every vector it accepts is run through the model, so this also feeds the
// model hostile models and plans that passed validate_model and check_plan.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "config/vectors.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Profiles by name ("H100 SXM") come from the source tree.
  setenv("LLMSWEEP_PROFILE_DIR", LLMSWEEP_FUZZ_PROFILE_DIR, 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)llmsweep::config::verify_vectors_text(text, "fuzz.json");
  } catch (const llmsweep::Error&) {
    // Refused as bad input.
  }
  return 0;
}
