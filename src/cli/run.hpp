// The one composition root: CLI11 subcommands, and the only place errors become exit codes.
#pragma once

#include "common/error.hpp"

namespace llmsweep::cli {

// Exit codes live with the errors (common/error.hpp), mapped in one place.
using llmsweep::kExitBadInput;
using llmsweep::kExitFailed;
using llmsweep::kExitInternal;
using llmsweep::kExitInterrupted;
using llmsweep::kExitMpi;
using llmsweep::kExitOk;
using llmsweep::kExitResultFile;

int run(int argc, char** argv);

}  // namespace llmsweep::cli
