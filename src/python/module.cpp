// llmsweep._core: the model commands of src/api for Python. The public package (llmsweep/,
// beside this file) wraps these functions; results are built here as the record classes of
// llmsweep.records, from the same field lists (api/records.hpp) as the CLI's --json. Searches
// run with the GIL released, so Python threads run them in parallel.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/commands.hpp"
#include "api/options.hpp"
#include "api/records.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "config/hardware_config.hpp"
#include "python/keywords.hpp"

namespace llmsweep::python {

// Sets llmsweep.errors.<cls>(message) as the pending Python exception.
void raise_now(const char* cls, const std::string& message);

namespace {

// Each field an api::visit_* function gives, as a dict entry (an empty optional as None).
struct PyFields {
  py::dict& d;
  template <class T>
  void operator()(const std::string& key, const T& value) const {
    d[py::str(key)] = py::cast(value);
  }
};

// llmsweep.records.<cls>(**fields).
py::object record(const char* cls, const py::dict& fields) {
  return py::module_::import("llmsweep.records").attr(cls)(**fields);
}

template <class Visit>
py::dict fields_of(Visit&& visit) {
  py::dict d;
  visit(PyFields{d});
  return d;
}

py::object model_record(const costmodel::Model& m) {
  return record("Model", fields_of([&](auto v) { api::visit_model(m, v); }));
}
py::object plan_record(const costmodel::Plan& p) {
  return record("Plan", fields_of([&](auto v) { api::visit_plan(p, v); }));
}
py::object evaluation_record(const costmodel::Evaluation& ev) {
  return record("Evaluation", fields_of([&](auto v) { api::visit_evaluation(ev, v, true); }));
}

// A whole run under run-level terms (api::visit_run), its terms and its ramp phases.
py::object whole_run_record(const search::RunResult& r, const search::RunTerms& terms) {
  py::dict d = fields_of([&](auto v) { api::visit_run(r, v); });
  d["terms"] = record("RunTerms", fields_of([&](auto v) { api::visit_run_terms(terms, v); }));
  py::list phases;
  for (const search::RunPhase& p : r.phases) {
    py::dict pd = fields_of([&](auto v) { api::visit_run_phase(p, v); });
    pd["plan"] = plan_record(p.plan);
    pd["evaluation"] = evaluation_record(p.evaluation);
    phases.append(record("RampPhase", pd));
  }
  d["phases"] = phases;
  return record("WholeRun", d);
}

py::object profile_record(const config::Profile& p) {
  py::dict d = fields_of([&](auto v) { api::visit_profile(p, v); });
  d["text"] = p.text;
  d["hardware"] = record("Hardware", fields_of([&](auto v) { api::visit_hardware(p.hardware, v); }));
  const costmodel::Machine mc = costmodel::make_machine(p.hardware);
  d["peak_flops"] = mc.peak_flops;
  d["flops"] = mc.flops;
  return record("Profile", d);
}

py::object evaluate(const py::dict& keywords) {
  const auto args = from_keywords<api::EvalArgs>("evaluate", keywords);
  std::optional<api::EvalResult> r;
  {
    py::gil_scoped_release release;
    r = api::evaluate(args);
  }
  py::dict d;
  d["hardware"] = r->hardware;
  d["model"] = model_record(r->model);
  d["plan"] = plan_record(r->plan);
  d["evaluation"] = evaluation_record(r->evaluation);
  d["run"] = r->run ? whole_run_record(*r->run, r->terms) : py::none();
  return record("Run", d);
}

py::object best_plan(const py::dict& keywords) {
  const auto args = from_keywords<api::PlanArgs>("best_plan", keywords);
  std::optional<api::PlanResult> r;
  {
    py::gil_scoped_release release;
    r = api::best_plan(args);
  }
  const bool found = r->result.found();
  py::dict d;
  d["hardware"] = r->hardware;
  d["model"] = model_record(r->model);
  d["gpus"] = r->gpus;
  d["status"] = std::string(costmodel::status_name(r->result.status));
  d["found"] = found;
  d["plan"] = found ? plan_record(r->result.plan) : py::none();
  d["evaluation"] = found ? evaluation_record(r->result.evaluation) : py::none();
  d["run"] = r->run ? whole_run_record(*r->run, r->terms) : py::none();
  return record("Run", d);
}

py::object frontier(const py::dict& keywords) {
  const auto args = from_keywords<api::FrontierArgs>("frontier", keywords);
  std::optional<api::FrontierResult> r;
  {
    py::gil_scoped_release release;
    r = api::frontier(args);
  }
  py::list rows;
  for (const search::FrontierRow& row : r->frontier.rows) {
    py::dict d = fields_of([&](auto v) { api::visit_frontier_row(row, v); });
    d["model"] = model_record(row.model);
    d["plan"] = plan_record(row.result.plan);
    d["evaluation"] = evaluation_record(row.result.evaluation);
    if (row.run) d["run"] = whole_run_record(*row.run, r->terms);
    rows.append(record("FrontierRow", d));
  }
  py::dict d = fields_of([&](auto v) { api::visit_frontier_scenario(*r, v); });
  d["rows"] = rows;
  for (auto item : fields_of([&](auto v) { api::visit_thresholds(r->frontier.thresholds, v); }))
    d[item.first] = item.second;
  return record("Frontier", d);
}

py::object thresholds_record(const search::RefinedThresholds& t) {
  return record("Thresholds", fields_of([&](auto v) { api::visit_refined_thresholds(t, v); }));
}

py::object sensitivity(const py::dict& keywords) {
  const auto args = from_keywords<api::SensitivityArgs>("sensitivity", keywords);
  std::optional<api::SensitivityResult> r;
  {
    py::gil_scoped_release release;
    r = api::sensitivity(args);
  }
  py::list rows;
  int rank = 0;
  for (const search::SensitivityRow& row : r->sensitivity.rows) {
    py::dict d = fields_of([&](auto v) { api::visit_sensitivity_row(row, ++rank, v); });
    d["down"] = thresholds_record(row.primary().down);
    d["up"] = thresholds_record(row.primary().up);
    py::list steps;
    for (const search::SensitivityStep& t : row.steps) {
      py::dict sd = fields_of([&](auto v) { api::visit_sensitivity_step(t, v); });
      sd["down"] = thresholds_record(t.down);
      sd["up"] = thresholds_record(t.up);
      steps.append(record("SensitivityStep", sd));
    }
    d["steps"] = steps;
    rows.append(record("SensitivityRow", d));
  }
  py::dict d = fields_of([&](auto v) { api::visit_sensitivity_scenario(*r, v); });
  d["baseline"] = thresholds_record(r->sensitivity.baseline);
  d["rows"] = rows;
  return record("Sensitivity", d);
}

py::list profiles() {
  py::list out;
  for (const config::Profile& p : config::list_profiles()) out.append(profile_record(p));
  return out;
}

double matmul_time(const std::string& hardware, std::int64_t d1, std::int64_t d2, std::int64_t b,
                   bool weight_grads) {
  py::gil_scoped_release release;
  return api::matmul_seconds(hardware, d1, d2, b, weight_grads);
}

// llmsweep's errors as the package's exception classes, with the message the CLI prints.
// By value: pybind11's ExceptionTranslator is void (*)(std::exception_ptr).
void translate(std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param)
  try {
    if (p) std::rethrow_exception(p);
  } catch (const ConfigError& e) {
    py::object cls = py::module_::import("llmsweep.errors").attr("ConfigError");
    py::object exc = cls(e.what());
    exc.attr("file") = e.file();
    exc.attr("key") = e.key();
    exc.attr("line") = e.line();
    exc.attr("column") = e.column();
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (const UsageError& e) {
    raise_now("UsageError", e.what());
  } catch (const ResultFileError& e) {
    py::object cls = py::module_::import("llmsweep.errors").attr("ResultFileError");
    py::object exc = cls(e.what());
    exc.attr("file") = e.file();
    exc.attr("object") = e.object();
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (const InternalError& e) {
    raise_now("InternalError", e.what());
  } catch (const Error& e) {
    raise_now("Error", e.what());
  }
}

}  // namespace

void raise_now(const char* cls, const std::string& message) {
  py::object type = py::module_::import("llmsweep.errors").attr(cls);
  PyErr_SetObject(type.ptr(), type(message).ptr());
}

void raise(const char* cls, const std::string& message) {
  raise_now(cls, message);
  throw py::error_already_set();
}

std::string unknown_keyword_message(const std::string& function, const std::string& key,
                                    const std::vector<std::string>& known) {
  // Levenshtein distance; a suggestion within max(2, a third of the name) edits.
  const auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const std::string& name : known)
    if (const std::size_t d = distance(key, name); d < best_distance) {
      best = name;
      best_distance = d;
    }
  return function + "() got an unexpected keyword argument '" + key + "'" +
         (best.empty() ? "" : " (did you mean '" + best + "'?)");
}

}  // namespace llmsweep::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  namespace api = llmsweep::api;
  using namespace llmsweep::python;
  m.doc() = "The compiled part of llmsweep: the model commands of src/api (use the llmsweep package).";
  py::register_exception_translator(&translate);

  m.def("evaluate", &evaluate, py::arg("keywords"));
  m.def("best_plan", &best_plan, py::arg("keywords"));
  m.def("frontier", &frontier, py::arg("keywords"));
  m.def("sensitivity", &sensitivity, py::arg("keywords"));
  m.def("profiles", &profiles);
  m.def(
      "profile",
      [](const std::string& ref) { return profile_record(llmsweep::config::resolve_profile(ref)); },
      py::arg("name_or_path"));
  m.def("matmul_time", &matmul_time, py::arg("hardware"), py::arg("d1"), py::arg("d2"), py::arg("b"),
        py::arg("weight_grads") = false);
  m.def("options", [] {
    py::dict d;
    d["evaluate"] = describe_options<api::EvalArgs>();
    d["best_plan"] = describe_options<api::PlanArgs>();
    d["frontier"] = describe_options<api::FrontierArgs>();
    d["sensitivity"] = describe_options<api::SensitivityArgs>();
    return d;
  });
  m.def("profile_dir", [] { return llmsweep::config::default_profile_dir(); });
  m.attr("__version__") = std::string(llmsweep::version());
  m.attr("git_hash") = std::string(llmsweep::git_hash());
}
