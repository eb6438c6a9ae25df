// The `caspflow._caspflow` extension (pybind11): the engine called in-process from Python.
//
// It exposes the same three stages the CLI runs -- inputs::load_scenario, solvers::simulate,
// outputs::build_run_dataset -- and hands the run's outputs::Dataset to Python as plain dicts of numpy
// arrays; python/caspflow/__init__.py turns that into the xarray.Dataset `caspflow run` writes (docs/python.md).
// Runs release the GIL: a loaded scenario is read-only, and simulate() keeps all of its state (allocator,
// capacity tables, SUNDIALS contexts) on its own stack, so several runs of one scenario can proceed on
// several threads.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "caspflow/version.hpp"
#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/inputs/pipeline_loader.hpp"
#include "caspflow/model/pipeline/pipeline_model.hpp"
#include "caspflow/model/scenario.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/outputs/run_output.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace py = pybind11;
using namespace caspflow;

namespace {

/// A loaded, validated scenario: immutable once built, shared by every run made from it.
struct PyScenario {
  std::shared_ptr<const model::Scenario> sc;
  std::string expression;  ///< how it was made, for the run's `history` attribute
};

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v, const std::vector<py::ssize_t>& shape) {
  py::array_t<T> a(shape);
  if (!v.empty()) std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::object attr_value(const outputs::AttrValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return py::str(*s);
  if (const auto* d = std::get_if<double>(&v)) return py::float_(*d);
  if (const auto* i = std::get_if<long long>(&v)) return py::int_(*i);
  const auto& arr = std::get<std::vector<int32_t>>(v);
  return to_numpy(arr, {static_cast<py::ssize_t>(arr.size())});
}

py::dict attrs_dict(const std::vector<outputs::Attr>& attrs) {
  py::dict d;
  for (const auto& a : attrs) d[py::str(a.name)] = attr_value(a.value);
  return d;
}

/// The Dataset as plain Python objects: {"attrs", "time_axes", "label_axes", "variables"}; each variable
/// a dict with name, dims, data (numpy, shaped), attrs and the writer's fill rule (docs/output-format.md).
py::dict dataset_to_python(const outputs::Dataset& ds) {
  std::map<std::string, py::ssize_t> dim_len;
  py::list times, labels, vars;
  for (const auto& t : ds.time_axes) {
    dim_len[t.name] = static_cast<py::ssize_t>(t.days.size());
    py::dict d;
    d["name"] = t.name;
    d["origin"] = t.origin;
    d["long_name"] = t.long_name;
    d["days"] = to_numpy(t.days, {static_cast<py::ssize_t>(t.days.size())});
    if (!t.bounds.empty()) {
      std::vector<int32_t> flat;
      flat.reserve(2 * t.bounds.size());
      for (const auto& b : t.bounds) flat.insert(flat.end(), b.begin(), b.end());
      d["bounds"] = to_numpy(flat, {static_cast<py::ssize_t>(t.bounds.size()), 2});
    } else {
      d["bounds"] = py::none();
    }
    times.append(d);
  }
  for (const auto& l : ds.label_axes) {
    dim_len[l.name] = static_cast<py::ssize_t>(l.labels.size());
    py::dict d;
    d["name"] = l.name;
    d["long_name"] = l.long_name;
    d["labels"] = py::cast(l.labels);
    labels.append(d);
  }
  for (const auto& v : ds.variables) {
    std::vector<py::ssize_t> shape;
    for (const auto& dn : v.dims) {
      auto it = dim_len.find(dn);
      if (it == dim_len.end()) throw IoError("variable '" + v.name + "': unknown dimension '" + dn + "'");
      shape.push_back(it->second);
    }
    py::dict d;
    d["name"] = v.name;
    d["dims"] = py::cast(v.dims);
    d["is_int"] = v.is_int;
    d["int_fill"] = v.int_fill;
    d["data"] = v.is_int ? py::object(to_numpy(v.idata, shape)) : py::object(to_numpy(v.data, shape));
    d["attrs"] = attrs_dict(v.attrs);
    vars.append(d);
  }
  py::dict out;
  out["attrs"] = attrs_dict(ds.attrs);
  out["time_axes"] = times;
  out["label_axes"] = labels;
  out["variables"] = vars;
  out["int_fill_value"] = outputs::kIntFill;
  return out;
}

std::string py_repr(const py::handle& h) { return py::repr(h).cast<std::string>(); }

/// `set=` values as the CLI's "key.path=value" strings: numbers and booleans as TOML writes them,
/// strings as given (a quantity with units such as "60 Mt/yr" needs no quotes, as on the command line).
std::vector<std::string> overrides_of(const py::dict& set) {
  std::vector<std::string> out;
  for (const auto& [k, v] : set) {
    if (!py::isinstance<py::str>(k)) throw py::type_error("set=: keys must be key paths as strings, e.g. 'legs.btc.capacity'");
    std::string val;
    if (py::isinstance<py::bool_>(v)) val = v.cast<bool>() ? "true" : "false";
    else if (py::isinstance<py::int_>(v)) val = py::str(v).cast<std::string>();
    else if (py::isinstance<py::float_>(v)) {
      const double x = v.cast<double>();
      if (!std::isfinite(x)) throw py::value_error("set=: " + k.cast<std::string>() + " = " + py_repr(v) + " is not a finite number");
      val = py_repr(v);
    } else if (py::isinstance<py::str>(v)) val = v.cast<std::string>();
    else throw py::type_error("set=: " + k.cast<std::string>() + " = " + py_repr(v) +
                              ": expected a number, a bool or a string such as '60 Mt/yr'");
    out.push_back(k.cast<std::string>() + "=" + val);
  }
  return out;
}

PyScenario load(const std::string& path, const py::dict& set) {
  const auto ov = overrides_of(set);
  std::string expr = "caspflow.load(" + py_repr(py::str(path));
  if (!ov.empty()) expr += ", set=" + py_repr(set);
  expr += ")";
  model::Scenario sc;
  {
    py::gil_scoped_release nogil;
    sc = inputs::load_scenario(path, ov);  // every check `caspflow check` and `caspflow run` make
  }
  return PyScenario{std::make_shared<const model::Scenario>(std::move(sc)), expr};
}

py::dict run(const PyScenario& s, const std::string& history) {
  outputs::Dataset ds;
  {
    py::gil_scoped_release nogil;
    const auto result = solvers::simulate(*s.sc);
    ds = outputs::build_run_dataset(*s.sc, result, history.empty() ? "python: caspflow.run(" + s.expression + ")" : history);
  }
  return dataset_to_python(ds);
}

/// A number for an error message (%g: 6 significant digits; inf and nan as such).
std::string num_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Hydraulic capacity of a pipeline leg of the scenario for its linefill owner's grade (the fluid
/// `caspflow run` uses for that leg when only that grade is in the line), at `dra` (NaN: the leg's DRA at
/// the scenario start) and with `stations_out` bypassed. SI units in the result.
py::dict capacity(const PyScenario& s, const std::string& leg_id, double dra, const std::vector<std::string>& stations_out,
                  double temperature_k) {
  const model::Scenario& sc = *s.sc;
  const model::Leg* leg = nullptr;
  std::string ids;
  for (const auto& l : sc.legs)
    if (l.kind == model::LegKind::Pipeline && !l.hydraulic_model.empty()) {
      ids += (ids.empty() ? "" : ", ") + l.id;
      if (leg_id.empty() || l.id == leg_id) leg = leg ? leg : &l;
    }
  auto fail = [&](const std::string& key, const std::string& msg) { throw InputError(SourceLoc{sc.file, 0, 0}, key, msg); };
  if (ids.empty()) fail("legs", "no pipeline leg has a 'hydraulics' description");
  if (!leg) fail("pipeline", "found '" + leg_id + "', expected one of the hydraulic pipeline legs: " + ids);
  if (leg_id.empty() && ids.find(',') != std::string::npos) fail("pipeline", "missing; the scenario has several hydraulic pipeline legs: " + ids);
  if (leg->linefill_owner < 0) fail("legs." + leg->id + ".linefill_owner", "missing; expected the shipper whose grade is the line's base crude");
  const model::Grade& g = sc.grades.at(sc.shippers.at(leg->linefill_owner).grade);
  if (!g.has_viscosity())
    fail("grades." + g.id + ".viscosity", "missing; the capacity of a hydraulic line needs the grade's viscosity at two temperatures");
  const model::hydraulics::Fluid f = model::fluid_of(g);
  py::dict out;
  model::pipeline::CapacityResult r;
  model::pipeline::Conditions c;
  std::string pipe_id;
  {
    py::gil_scoped_release nogil;
    const model::pipeline::Pipeline& p = *leg->hydraulics;  // read and validated with the scenario
    const double T = std::isnan(temperature_k) ? p.temperature_k : temperature_k;
    if (!(T >= 233.15 - 1e-9 && T <= 423.15 + 1e-9))
      fail("temperature_C", "found " + num_text(T - 273.15) + " degC (" + num_text(T) +
                                " K), expected -40 to 150 degC (233.15 to 423.15 K, where the ASTM D341 viscosity and "
                                "API MPMS 11.1 density correlations hold)");
    double d = dra;
    if (std::isnan(d)) d = leg->dra.empty() ? 0.0 : leg->dra.at(sc.start);
    if (!(d >= 0 && d < 1))
      fail("dra", "found " + num_text(d) + ", expected a drag reduction fraction in [0, 1) (or a percent string, \"25%\")");
    try {
      c = model::pipeline::conditions_for(f, T, d);
    } catch (const model::PreconditionError& e) {
      fail("grades." + g.id + ".viscosity", std::string("fluid properties: ") + e.what());
    }
    // Accepted points can extrapolate (ASTM D341) to no usable viscosity far from them: an input error, not the
    // model's precondition.
    if (!(std::isfinite(c.nu) && c.nu > 0))
      fail("grades." + g.id + ".viscosity",
           "found a viscosity of " + num_text(c.nu * 1e6) + " cSt at " + num_text(T - 273.15) +
               " degC from the two (temperature, viscosity) points (ASTM D341), expected a finite positive viscosity "
               "(ASTM D341 needs each point above 0.3 cSt and extrapolates badly far from them); give points nearer "
               "the flowing temperature");
    c.out.assign(p.stations.size(), false);
    for (const auto& id : stations_out) {
      const int i = p.station_index(id);
      if (i < 0) {
        std::string all;
        for (const auto& st : p.stations) all += (all.empty() ? "" : ", ") + st.id;
        fail("station_out", "found '" + id + "', expected a station of pipeline '" + p.id + "': " + all);
      }
      c.out[static_cast<std::size_t>(i)] = true;
    }
    pipe_id = p.id;
    r = model::pipeline::PipelineModel(p).capacity(c);
  }
  out["pipeline"] = pipe_id;
  out["grade"] = g.id;
  out["capacity_m3s"] = r.q;
  out["capacity_bpd"] = model::pipeline::to_bpd(r.q);
  out["capacity_mtpa"] = r.q * c.rho * model::pipeline::kYearS / 1e9;
  out["density_kg_m3"] = c.rho;
  out["viscosity_m2_s"] = c.nu;
  out["dra"] = c.dra;
  py::dict b;
  b["kind"] = model::pipeline::kind_name(r.binding.kind);
  b["location"] = r.binding.location;
  b["chainage_m"] = r.binding.chainage_m;
  b["upstream_station"] = r.binding.upstream_station;
  b["upstream_state"] = r.binding.upstream_state;
  out["binding"] = b;
  py::list st;
  for (const auto& x : r.profile.stations) {
    py::dict e;
    e["station"] = x.id;
    e["in_service"] = x.in_service;
    e["chainage_m"] = x.chainage_m;
    e["suction_Pa"] = x.suction_pa;
    e["discharge_Pa"] = x.discharge_pa;
    e["units_running"] = x.units_running;
    e["power_W"] = x.power_w;
    st.append(e);
  }
  out["stations"] = st;
  return out;
}

py::dict scenario_info(const PyScenario& s) {
  const model::Scenario& sc = *s.sc;
  py::dict d;
  auto ids = [](const auto& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.id);
    return out;
  };
  d["file"] = sc.file;
  d["title"] = sc.title;
  d["start"] = model::iso_date(sc.start);
  d["end"] = model::iso_date(sc.end);
  d["grades"] = ids(sc.grades);
  d["nodes"] = ids(sc.nodes);
  d["legs"] = ids(sc.legs);
  d["shippers"] = ids(sc.shippers);
  std::vector<std::string> kz;
  for (const auto& sh : sc.shippers)
    if (sh.kazakh) kz.push_back(sh.id);
  d["kazakh_shippers"] = kz;
  d["events"] = sc.events.size();
  d["overrides"] = sc.overrides;
  d["input_files"] = sc.input_files;
  d["assumptions"] = sc.assumptions;
  return d;
}

}  // namespace

PYBIND11_MODULE(_caspflow, m) {
  m.doc() = "caspflow engine (C++): load a scenario, simulate it, return the run's dataset. Use the `caspflow` package.";
  m.attr("__version__") = kVersion;
  m.attr("git_commit") = kGitCommit;
  // pybind11 looks numpy's C API up once, in a function-local static whose initialiser imports numpy. Done
  // here, while the import lock makes the module single-threaded: done first from two run_many threads, the
  // import lets the GIL go inside the static's guard and the other thread waits on the guard holding the GIL.
  py::module_::import("numpy");
  (void)py::array_t<double>(std::vector<py::ssize_t>{1});

  // Errors keep their kind (the CLI's exit codes 2, 3, 4) and, for input errors, every problem found.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<SolverError> solver_error(m, "SolverError", PyExc_RuntimeError);
  static py::exception<IoError> io_error(m, "IoError", PyExc_OSError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::list probs;
      for (const auto& q : e.problems())
        probs.append(py::make_tuple(q.loc.file, q.loc.line, q.loc.column, q.key, q.message, q.context));
      py::object exc = py::reinterpret_borrow<py::object>(input_error.ptr())(py::str(e.what()));
      exc.attr("raw_problems") = probs;
      PyErr_SetObject(input_error.ptr(), exc.ptr());
    } catch (const SolverError& e) {
      solver_error(e.what());
    } catch (const IoError& e) {
      io_error(e.what());
    }
  });

  py::class_<PyScenario>(m, "Scenario")
      .def_property_readonly("info", &scenario_info)
      .def_property_readonly("expression", [](const PyScenario& s) { return s.expression; })
      .def_property_readonly("text", [](const PyScenario& s) { return s.sc->text; });
  m.def("load", &load, py::arg("path"), py::arg("set") = py::dict());
  m.def("run", &run, py::arg("scenario"), py::arg("history") = "");
  m.def("capacity", &capacity, py::arg("scenario"), py::arg("pipeline") = "", py::arg("dra") = NAN,
        py::arg("stations_out") = std::vector<std::string>{}, py::arg("temperature_K") = NAN);
}
