// The options that pick a frontier scenario (hardware, experts, batch law, run limits), shared
// by the frontier and sensitivity commands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "config/hardware_config.hpp"
#include "search/frontier.hpp"

namespace CLI {
class App;
}

namespace llmsweep::cli {

struct FrontierArgs {
  std::string hardware;
  std::string experts = "dense";
  std::string batch = "default";
  std::string zb_latency = "hidden";
  std::string model_kind = "reference";  // costmodel::model_kind_name
  bool no_zero_bubble = false;
  double months = search::kDefaultRunMonths;
  std::vector<std::int64_t> widths;
  std::string cluster_sizes = "powers-of-two";
  std::string search = "reference";
  bool json = false;
  RunArgs run;  // frontier only: the extended model's run-level terms (cli/run_options.hpp)
};

void add_frontier_options(CLI::App* sub, FrontierArgs& args);
// --model reference|extended, on every model command.
void add_model_kind_option(CLI::App* sub, std::string& model_kind);
// Checks every option; throws UsageError naming the one that is wrong.
search::FrontierSpec frontier_spec(const FrontierArgs& args);

}  // namespace llmsweep::cli
