// Golden input/output vectors (the format of tests/data/reference-vectors.json, a copy of the
// shared golden file): reading them strictly and checking the model against every one.
#pragma once

#include <string>
#include <vector>

namespace llmsweep::config {

struct VectorReport {
  int passed = 0;
  int failed = 0;
  std::vector<std::string> mismatches;  // one line per failing vector
};

inline constexpr double kGoldenRelativeTolerance = 1e-9;

// Throws ConfigError for a file that cannot be read or is not in the golden format.
VectorReport verify_vectors_file(const std::string& path,
                                 double relative_tolerance = kGoldenRelativeTolerance);
// The same for a file's text already read; `path` names it in messages.
VectorReport verify_vectors_text(const std::string& text, const std::string& path,
                                 double relative_tolerance = kGoldenRelativeTolerance);

}  // namespace llmsweep::config
