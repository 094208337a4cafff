// The one composition root: CLI11 subcommands, and the only place errors become exit codes.
#pragma once

namespace llmsweep::cli {

// Exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;        // a check failed (verify mismatches, no feasible plan)
inline constexpr int kExitBadInput = 2;      // bad command line, config, spec or vectors file
inline constexpr int kExitResultFile = 3;    // the results file cannot be used
inline constexpr int kExitMpi = 4;           // a rank died or MPI failed
inline constexpr int kExitInternal = 5;      // a bug
inline constexpr int kExitInterrupted = 75;  // stopped by a signal; the file is resumable (EX_TEMPFAIL)

int run(int argc, char** argv);

}  // namespace llmsweep::cli
