// Human-readable tables and JSON renderings shared by the subcommands.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "common/text.hpp"
#include "costmodel/evaluate.hpp"
#include "costmodel/model.hpp"
#include "costmodel/plan.hpp"
#include "grid/schema.hpp"

namespace llmsweep::cli {

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

// Adds each field an api::visit_* function gives to a JSON object (an empty optional as null).
struct JsonFields {
  nlohmann::json& j;
  template <class T>
  void operator()(const std::string& key, const T& value) const {
    if constexpr (is_optional<T>::value)
      j[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    else
      j[key] = value;
  }

 private:
  template <class T>
  struct is_optional : std::false_type {};
  template <class T>
  struct is_optional<std::optional<T>> : std::true_type {};
};

nlohmann::json model_json(const costmodel::Model& model);
nlohmann::json plan_json(const costmodel::Plan& plan);
nlohmann::json evaluation_json(const costmodel::Evaluation& ev);
// A results-file row as JSON: one key per column of `columns`, named as the schema names it, the
// value as the column holds it (integer columns as integers, real ones as reals, NaN as null).
nlohmann::json row_json(const grid::Row& row, const std::vector<grid::Column>& columns);

void print_model(std::ostream& out, const costmodel::Model& model);
void print_plan(std::ostream& out, const costmodel::Plan& plan);
void print_evaluation(std::ostream& out, const costmodel::Evaluation& ev);

}  // namespace llmsweep::cli
