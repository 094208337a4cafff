// The api's option lists (api/options.hpp) as CLI11 options: one line per option there, none here.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <type_traits>
#include <vector>

#include "api/options.hpp"

namespace llmsweep::cli {

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

// bool: a flag; optional: no default shown, set only when given; vector: comma-separated;
// anything else shows its default unless it is required.
struct AddOption {
  CLI::App* sub;
  template <class T>
  void operator()(T& member, const api::OptionInfo& o) const {
    if constexpr (std::is_same_v<T, bool>) {
      sub->add_flag(o.name, member, o.help);
    } else if constexpr (is_optional<T>::value) {
      sub->add_option_function<typename T::value_type>(
          o.name, [&member](const typename T::value_type& value) { member = value; }, o.help);
    } else if constexpr (is_vector<T>::value) {
      sub->add_option(o.name, member, o.help)->delimiter(',');
    } else {
      CLI::Option* opt = sub->add_option(o.name, member, o.help);
      if (o.required)
        opt->required();
      else
        opt->capture_default_str();
    }
  }
};
}  // namespace detail

// Registers every option of `Args` (api::EvalArgs, api::FrontierArgs, ...) on `sub`, bound to `args`.
template <class Args>
void add_options(CLI::App* sub, Args& args) {
  Args::fields(args, detail::AddOption{sub});
}

}  // namespace llmsweep::cli
