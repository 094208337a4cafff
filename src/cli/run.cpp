#include "cli/run.hpp"

#include <mpi.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/version.hpp"

namespace llmsweep::cli {
namespace {

// Prints the error; under MPI with other ranks running, takes them all down (they would
// otherwise wait for this rank forever).
int fail(const std::string& message, int code) {
  std::cerr << "llmsweep: error: " << message << "\n";
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > 1) MPI_Abort(MPI_COMM_WORLD, code);
    MPI_Finalize();
  }
  return code;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "llmsweep: how far can a training run scale before data movement and latency stop it?\n"
      "A reproduction of Erdil & Schneider-Joseph (2024), 'Data movement limits to frontier\n"
      "model training', with MPI parameter sweeps over HDF5 results."};
  app.name("llmsweep");
  app.set_version_flag("--version", std::string(version()) + " (" + std::string(git_hash()) + ")");
  app.require_subcommand(1);
  Action action;
  add_eval_command(app, action);
  add_plan_command(app, action);
  add_frontier_command(app, action);
  add_verify_command(app, action);
  add_profiles_command(app, action);
  add_sweep_command(app, action);
  add_summarize_command(app, action);
  add_sensitivity_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(e.what(), kExitBadInput);
  }
  try {
    return action ? action() : kExitOk;
  } catch (const UsageError& e) {
    return fail(e.what(), kExitBadInput);
  } catch (const ConfigError& e) {
    return fail(e.what(), kExitBadInput);
  } catch (const ResultFileError& e) {
    return fail(e.what(), kExitResultFile);
  } catch (const MpiError& e) {
    return fail(e.what(), kExitMpi);
  } catch (const InternalError& e) {
    return fail(e.what(), kExitInternal);
  } catch (const Error& e) {
    return fail(e.what(), kExitFailed);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", kExitInternal);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), kExitInternal);
  }
}

}  // namespace llmsweep::cli
