#include "cli/run.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "dist/sweep.hpp"

namespace llmsweep::cli {
namespace {

int fail(const std::string& message, int code) {
  print_error(message);
  // Under MPI with other ranks running, they would wait for this one forever.
  dist::shutdown_after_error(code);
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
  } catch (const std::exception& e) {
    return fail(message_of(e), exit_code_of(e));
  }
}

}  // namespace llmsweep::cli
