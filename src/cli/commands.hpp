// Subcommand registration. Each adds itself to the app and, when chosen, sets `action`.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace llmsweep::cli {

using Action = std::function<int()>;

void add_eval_command(CLI::App& app, Action& action);
void add_plan_command(CLI::App& app, Action& action);
void add_frontier_command(CLI::App& app, Action& action);
void add_verify_command(CLI::App& app, Action& action);
void add_profiles_command(CLI::App& app, Action& action);
void add_sweep_command(CLI::App& app, Action& action);
void add_summarize_command(CLI::App& app, Action& action);
void add_sensitivity_command(CLI::App& app, Action& action);

}  // namespace llmsweep::cli
