// The version stamp written into every results file and printed by --version.
#pragma once

#include <string_view>

namespace llmsweep {

std::string_view version();
std::string_view git_hash();  // short hash, "-dirty" when the tree had changes, or "unknown"

}  // namespace llmsweep
