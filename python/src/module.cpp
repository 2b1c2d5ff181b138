// msmesim._core: the compiled half of the msmesim Python package.
#include "pybind_common.hpp"

#include <msmesim/version.hpp>

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled core of msmesim (bindings to the C++ engine). Use the `msmesim` package.";
  m.attr("__version__") = msmesim::version_string;
  msmesim::python::register_errors(m);
  msmesim::python::register_types(m);
  msmesim::python::register_params(m);
  msmesim::python::register_cooperatives(m);  // before Population, whose properties return its classes
  msmesim::python::register_population(m);
  msmesim::python::register_programmes(m);  // before Scenario, whose programmes are Programme objects
  msmesim::python::register_scenario(m);
  msmesim::python::register_scenario_file(m);  // after Scenario and ParseError
  msmesim::python::register_engine(m);
  msmesim::python::register_ensemble(m);
}
