// libFuzzer target: the sweep-spec loader (config::parse_spec) on arbitrary bytes, then what a
// sweep does next with a spec it accepted (the grid and its mixed-radix indexing). Bad input
// must come out as an llmsweep::Error; anything else (another exception, a sanitizer report, a
// hang past -timeout, memory past -rss_limit_mb) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "config/spec.hpp"
#include "grid/grid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const llmsweep::config::SweepSpec spec =
        llmsweep::config::parse_spec(text, "fuzz.toml", LLMSWEEP_FUZZ_PROFILE_DIR);
    const llmsweep::grid::Grid grid(spec.axes);
    if (grid.size() > 0) {
      const std::uint64_t last = grid.size() - 1;
      if (grid.index_of(grid.digits_at(last)) != last) __builtin_trap();  // indexing must round-trip
      (void)grid.scenario_of(grid.digits_at(0));
    }
  } catch (const llmsweep::Error&) {
    // Refused as bad input: the expected outcome for most inputs.
  }
  return 0;
}
