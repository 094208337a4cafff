// The api's option lists (api/options.hpp) as Python keyword arguments: a dict of keywords
// into an options struct, and the list of keywords with their defaults for signatures and
// docstrings. The names are the CLI options' (dashes as underscores) and nothing here repeats
// a default or a check: defaults come from the structs, checks from api/commands.cpp.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "api/options.hpp"

namespace llmsweep::python {

namespace py = pybind11;

// Raises llmsweep.errors.<cls>(message) (never returns).
[[noreturn]] void raise(const char* cls, const std::string& message);

// "got an unexpected keyword argument 'dmodel' (did you mean 'd_model'?)": the suggestion is the
// closest known name within a few edits.
std::string unknown_keyword_message(const std::string& function, const std::string& key,
                                    const std::vector<std::string>& known);

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
const char* expected(const T*) {
  if constexpr (std::is_same_v<T, bool>) return "True or False";
  if constexpr (std::is_same_v<T, std::string>) return "a string or path";
  if constexpr (std::is_integral_v<T>) return "an integer";
  if constexpr (std::is_floating_point_v<T>) return "a number";
  if constexpr (is_vector<T>::value) return "a list of integers";
  return "a value of another type";
}

// One value, strictly: no str for numbers or lists, no float for integers, no None for a bool.
template <class T>
T convert(py::handle value, const api::OptionInfo& o) {
  const auto fail = [&]() -> T {
    raise("ArgumentError", std::string(o.name) + " expects " + expected(static_cast<T*>(nullptr)) + ", got " +
                               py::repr(value).cast<std::string>());
  };
  if constexpr (std::is_same_v<T, std::string>) {
    if (py::isinstance<py::str>(value)) return value.cast<std::string>();
    if (py::hasattr(value, "__fspath__"))
      return py::module_::import("os").attr("fspath")(value).cast<std::string>();
    return fail();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
    if (py::hasattr(value, "__index__") && !py::isinstance<py::float_>(value)) {
      const auto i = py::int_(py::reinterpret_borrow<py::object>(value)).cast<long long>();
      if (i == 0 || i == 1) return i == 1;
    }
    return fail();
  } else {
    if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) || value.is_none()) return fail();
    try {
      return value.cast<T>();
    } catch (const py::cast_error&) {
      return fail();
    }
  }
}

// Fills an options struct from a dict of known keywords.
struct FromKeywords {
  const py::dict& keywords;

  template <class T>
  void operator()(T& member, const api::OptionInfo& o) const {
    const py::str key(api::keyword_name(o.name));
    if (!keywords.contains(key)) {
      if (o.required) raise("ArgumentError", std::string(o.name) + " is required");
      return;
    }
    const py::handle value = keywords[key];
    if constexpr (is_optional<T>::value) {
      if (value.is_none())
        member.reset();
      else
        member = convert<typename T::value_type>(value, o);
    } else if constexpr (is_vector<T>::value) {
      if (value.is_none())
        member.clear();
      else
        member = convert<T>(value, o);
    } else {
      if (value.is_none() && !o.required) return;  // None: the default
      member = convert<T>(value, o);
    }
  }
};

// (keyword, option, default, help, required) per option; no default (None) for optional
// options and empty lists.
struct Describe {
  py::list& out;

  template <class T>
  void operator()(const T& member, const api::OptionInfo& o) const {
    py::object default_value = py::none();
    if constexpr (is_optional<T>::value) {
      if (member) default_value = py::cast(*member);
    } else if constexpr (is_vector<T>::value) {
      if (!member.empty()) default_value = py::cast(member);
    } else {
      if (!o.required) default_value = py::cast(member);
    }
    out.append(py::make_tuple(api::keyword_name(o.name), o.name, default_value, o.help, o.required));
  }
};

struct Names {
  std::vector<std::string>& out;
  template <class T>
  void operator()(const T&, const api::OptionInfo& o) const {
    out.push_back(api::keyword_name(o.name));
  }
};

}  // namespace detail

// The options of `function` from its keyword arguments: a misspelled or missing keyword or a
// value of the wrong type raises llmsweep.ArgumentError (a ValueError and a TypeError); the
// values themselves are checked later, by the api.
template <class Args>
Args from_keywords(const char* function, const py::dict& keywords) {
  Args args;
  std::vector<std::string> names;
  Args::fields(static_cast<const Args&>(args), detail::Names{names});
  for (const auto& item : keywords) {
    const std::string key = py::str(item.first);
    bool known = false;
    for (const std::string& n : names) known = known || n == key;
    if (!known) raise("ArgumentError", unknown_keyword_message(function, key, names));
  }
  Args::fields(args, detail::FromKeywords{keywords});
  return args;
}

template <class Args>
py::list describe_options() {
  const Args defaults;
  py::list out;
  Args::fields(defaults, detail::Describe{out});
  return out;
}

}  // namespace llmsweep::python
