// Human-readable tables and JSON renderings shared by the subcommands.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "costmodel/evaluate.hpp"
#include "costmodel/model.hpp"
#include "costmodel/plan.hpp"

namespace llmsweep::cli {

// "2.048e28"-style scientific notation with `digits` significant digits.
std::string sci(double x, int digits = 4);
// Fixed notation with `decimals` decimals.
std::string fixed(double x, int decimals);
// Integers and integral doubles with no exponent ("8388608").
std::string count(double x);
// A duration in the most readable unit ("3.2 ms", "41.0 days").
std::string duration(double seconds);
// "1x8" style per-level degrees.
std::string levels(const costmodel::Plan& plan, costmodel::Kind kind);

class Table {
 public:
  explicit Table(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add(std::vector<std::string> row);
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Two-column "label  value" block with an optional heading.
void print_block(std::ostream& out, const std::string& heading,
                 const std::vector<std::pair<std::string, std::string>>& rows);

nlohmann::json model_json(const costmodel::Model& model);
nlohmann::json plan_json(const costmodel::Plan& plan);
nlohmann::json evaluation_json(const costmodel::Evaluation& ev);

void print_model(std::ostream& out, const costmodel::Model& model);
void print_plan(std::ostream& out, const costmodel::Plan& plan);
void print_evaluation(std::ostream& out, const costmodel::Evaluation& ev);

}  // namespace llmsweep::cli
