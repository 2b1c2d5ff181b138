// Behavioural parameters (FirmParams) by name, and the parameter tables that
// document them.
#include <msmesim/core/params.hpp>
#include <msmesim/population/population.hpp>
#include <msmesim/scenario/shock.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

py::list param_table_rows(std::span<const ParamInfo> table) {
  py::list rows;
  for (const auto& p : table) {
    py::dict d;
    d["name"] = std::string(p.name);
    d["default"] = p.default_value;
    d["min"] = p.min;
    d["max"] = p.max;
    d["unit"] = std::string(p.unit);
    d["integer"] = p.integer;
    d["description"] = std::string(p.description);
    d["source"] = std::string(p.source);
    rows.append(d);
  }
  return rows;
}

void register_params(py::module_& m) {
  py::class_<FirmParams>(m, "FirmParams", "Behavioural parameters of firms; every name is in docs/parameters.md.")
      .def(py::init<>())
      .def("get", &FirmParams::get, py::arg("name"))
      .def("set", &FirmParams::set, py::arg("name"), py::arg("value"))
      .def("__getitem__", &FirmParams::get)
      .def("__setitem__", &FirmParams::set)
      .def("validate", &FirmParams::validate)
      .def_static("names",
                  [] {
                    std::vector<std::string> out;
                    for (const auto& p : firm_param_table()) out.emplace_back(p.name);
                    return out;
                  })
      .def("to_dict",
           [](const FirmParams& p) {
             py::dict d;
             for (const auto& row : firm_param_table()) d[py::str(std::string(row.name))] = p.get(row.name);
             return d;
           })
      .def("__copy__", [](const FirmParams& p) { return p; })
      .def("__deepcopy__", [](const FirmParams& p, py::dict) { return p; })
      .def(py::pickle([](const FirmParams& p) {
                        py::dict d;
                        for (const auto& row : firm_param_table()) d[py::str(std::string(row.name))] = p.get(row.name);
                        return d;
                      },
                      [](py::dict d) {
                        FirmParams p;
                        for (auto item : d) p.set(item.first.cast<std::string>(), item.second.cast<double>());
                        return p;
                      }));

  m.def("firm_param_table", [] { return param_table_rows(firm_param_table()); },
        "Rows (name, default, min, max, unit, integer, description, source) of the firm parameters.");
  m.def("population_param_table", [] { return param_table_rows(population_param_table()); },
        "Rows of the population-wide generation parameters.");
  m.def("class_param_table",
        [] {
          py::list rows = param_table_rows(class_param_table());
          for (auto row : rows) {
            auto d = row.cast<py::dict>();
            d["defaults"] = class_param_defaults(d["name"].cast<std::string>());
          }
          return rows;
        },
        "Rows of the per-class generation parameters; 'defaults' gives micro, small, medium.");
  m.def("sector_param_table", [] { return param_table_rows(sector_param_table()); }, "Rows of the per-sector parameters.");
  m.def("shock_field_table", [] { return param_table_rows(shock_field_table()); },
        "Rows (name, default, min, max, unit, integer, description, source) of a shock's numeric fields.");
}

}  // namespace msmesim::python
