// Population specs and populations. Attribute arrays are NumPy views of the
// C++ vectors (no copy); writing to them changes the population.
#include <msmesim/error.hpp>
#include <msmesim/population.hpp>

#include <optional>

#include "pybind_common.hpp"

namespace msmesim::python {

#define MSMESIM_POPULATION_ARRAYS(X)                                                                      \
  X(region) X(sector) X(size_class) X(workers) X(revenue_rp_month) X(assets_rp) X(variable_cost_share)   \
  X(fixed_cost_rp_month) X(wage_rp_month) X(online_share) X(owner_capability) X(registered) X(ever_kur) \
  X(cash_rp) X(loan_principal_rp) X(loan_rate_year) X(loan_months_left) X(loan_lender) X(cooperative)

void register_population(py::module_& m) {
  py::class_<RegionSpec>(m, "RegionSpec", "A region (kecamatan) and its weight.")
      .def(py::init([](std::string name, double weight) { return RegionSpec{std::move(name), weight}; }),
           py::arg("name"), py::arg("weight") = 1.0)
      .def_readwrite("name", &RegionSpec::name)
      .def_readwrite("weight", &RegionSpec::weight)
      .def("__repr__", [](const RegionSpec& r) {
        return "RegionSpec(name='" + r.name + "', weight=" + std::to_string(r.weight) + ")";
      });

  auto sector = py::class_<SectorSpec>(m, "SectorSpec", "A sector: weight and cost structure.")
                    .def(py::init<>())
                    .def_readwrite("name", &SectorSpec::name)
                    .def_readwrite("seasonality", &SectorSpec::seasonality);
#define MSMESIM_SECTOR_FIELD(name, lo, hi, unit, desc) sector.def_readwrite(#name, &SectorSpec::name, desc);
  MSMESIM_SECTOR_PARAMS(MSMESIM_SECTOR_FIELD)
#undef MSMESIM_SECTOR_FIELD
  sector.def("__repr__", [](const SectorSpec& s) { return "SectorSpec(name='" + s.name + "')"; });

  py::class_<PopulationSpec>(m, "PopulationSpec", "Everything needed to generate a synthetic population.")
      .def(py::init<>())
      .def_readwrite("name", &PopulationSpec::name)
      .def_readwrite("firms", &PopulationSpec::firms)
      .def_readwrite("regions", &PopulationSpec::regions, "List of RegionSpec (assign a new list to change it).")
      .def_readwrite("sectors", &PopulationSpec::sectors, "List of SectorSpec (assign a new list to change it).")
      .def_property(
          "regime", [](const PopulationSpec& s) { return std::string(to_string(s.regime)); },
          [](PopulationSpec& s, const std::string& v) { s.regime = class_regime_from_string(v, "regime"); })
      .def("get", &PopulationSpec::get, py::arg("name"))
      .def("set", &PopulationSpec::set, py::arg("name"), py::arg("value"))
      .def("__getitem__", &PopulationSpec::get)
      .def("__setitem__", &PopulationSpec::set)
      .def_readwrite("cooperatives", &PopulationSpec::cooperatives,
                     "CooperativeSpec of the population's cooperatives (none unless count > 0); edited in place.")
      .def("parameter_names", &PopulationSpec::parameter_names)
      .def("validate", &PopulationSpec::validate)
      .def("__copy__", [](const PopulationSpec& s) { return s; })
      .def("__deepcopy__", [](const PopulationSpec& s, py::dict) { return s; });

  auto pop = py::class_<Population>(m, "Population", "Initial state of every firm, one array per attribute.");
  pop.def(py::init<>())
      .def_readwrite("name", &Population::name)
      .def_readwrite("region_names", &Population::region_names)
      .def_readwrite("sector_names", &Population::sector_names)
      .def_readwrite("sector_seasonality", &Population::sector_seasonality)
      .def_property(
          "regime", [](const Population& p) { return std::string(to_string(p.regime)); },
          [](Population& p, const std::string& v) { p.regime = class_regime_from_string(v, "regime"); })
      .def("__len__", &Population::size)
      .def_property_readonly("size", &Population::size)
      .def("resize", &Population::resize, py::arg("n"))
      .def("validate", &Population::validate)
      .def("memory_bytes", &Population::memory_bytes)
      .def("copy", [](const Population& p) { return p; })
      .def("__copy__", [](const Population& p) { return p; })
      .def("__deepcopy__", [](const Population& p, py::dict) { return p; })
      .def_static("generate", &generate_population, py::arg("spec"), py::arg("seed"), py::arg("threads") = 1,
                  py::call_guard<py::gil_scoped_release>(),
                  "Draw a synthetic population from a spec (deterministic in spec and seed).")
      .def_property(
          "cooperatives", [](Population& p) -> Cooperatives& { return p.cooperatives; },
          [](Population& p, const Cooperatives& c) { p.cooperatives = c; }, py::return_value_policy::reference_internal,
          "The population's Cooperatives (kept alive by the population; its arrays are views). Firms refer to them "
          "by index in `cooperative`.")
      .def_static(
          "from_csv",
          [](const std::string& path, const std::string& name, const std::string& regime,
             const std::optional<std::string>& cooperatives, const std::optional<std::string>& memberships) {
            const auto r = class_regime_from_string(regime, "regime");
            if (memberships && !cooperatives)
              throw InvalidArgument("memberships", *memberships,
                                    "a memberships file only together with a cooperatives file (cooperatives=...)");
            py::gil_scoped_release release;
            if (cooperatives) return load_population_csv(path, name, r, *cooperatives, memberships.value_or(""));
            return load_population_csv(path, name, r);
          },
          py::arg("path"), py::arg("name") = "", py::arg("regime") = "law20_2008", py::kw_only(),
          py::arg("cooperatives") = py::none(), py::arg("memberships") = py::none(),
          "Read firms from a CSV file (columns in docs/data.md); `regime` is that of its size_class column. With "
          "`cooperatives`, the population's cooperatives come from that file and the memberships from "
          "`memberships` (or, without it, from the firm file's cooperative column).")
      .def("to_csv", &save_population_csv, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
           "Write the firms in the format from_csv reads (cooperative ids as in cooperatives_to_csv).")
      .def("cooperatives_to_csv", &save_cooperatives_csv, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
           "Write the population's cooperatives, one row each with its id (columns in docs/data.md).")
      .def("memberships_to_csv", &save_memberships_csv, py::arg("path"), py::call_guard<py::gil_scoped_release>(),
           "Write the memberships: one row per member firm (firm row, cooperative id).");
#define MSMESIM_POPULATION_ARRAY(field)                                                                   \
  pop.def_property_readonly(#field, [](py::object self) {                                                \
    return vector_view(self.cast<Population&>().field, self);                                            \
  });
  MSMESIM_POPULATION_ARRAYS(MSMESIM_POPULATION_ARRAY)
#undef MSMESIM_POPULATION_ARRAY
  pop.def_static("array_names", [] {
    return std::vector<std::string>{
#define MSMESIM_POPULATION_NAME(field) #field,
        MSMESIM_POPULATION_ARRAYS(MSMESIM_POPULATION_NAME)
#undef MSMESIM_POPULATION_NAME
    };
  });
}

}  // namespace msmesim::python
