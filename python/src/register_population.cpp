// Population specs and populations. Attribute arrays are NumPy views of the
// C++ vectors (no copy); writing to them changes the population.
#include <msmesim/core/error.hpp>
#include <msmesim/population/population.hpp>

#include <optional>

#include "pybind_common.hpp"

namespace msmesim::python {

#define MSMESIM_POPULATION_ARRAYS(X)                                                                      \
  X(region) X(sector) X(size_class) X(workers) X(revenue_rp_month) X(assets_rp) X(variable_cost_share)   \
  X(fixed_cost_rp_month) X(wage_rp_month) X(online_share) X(owner_capability) X(registered) X(ever_kur) \
  X(cash_rp) X(loan_principal_rp) X(loan_rate_year) X(loan_months_left) X(loan_lender) X(cooperative)     \
  X(base_workers) X(revenue_level_rp) X(expected_revenue_rp) X(capital_intensity) X(cash_target_months)  \
  X(loan_term_months) X(loan_installment_rp) X(informal_principal_rp) X(informal_months_left)            \
  X(informal_installment_rp) X(debt_arrears_rp) X(payables_rp) X(owner_owed_rp) X(months_unable)         \
  X(months_low_income) X(age_months)

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
      .def_readwrite("firm_params", &PopulationSpec::firm_params,
                     "FirmParams under which the population is burnt in (population parameter burn_in_months) and "
                     "its initial loans are sized: give the scenario's, so that a run without shocks stands still "
                     "under them. Edited in place.")
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
                  "Draw a synthetic population from a spec (deterministic in spec and seed), burnt in for the "
                  "spec's burn_in_months under spec.firm_params.")
      .def_readwrite("entry_spec", &Population::entry_spec,
                     "PopulationSpec new firms are drawn from (entrants of a run, replacements during the burn-in): "
                     "the generating spec, or one estimated from a registry (a copy: assign a new one to change "
                     "it).")
      .def_readwrite("baseline_exit_rate_month", &Population::baseline_exit_rate_month,
                     "Share of firms that closed a month over the last 24 months of the burn-in (-1: not burnt "
                     "in); a run's entry balances it when entry_rate_month is -1.")
      .def_property_readonly(
          "entry_templates",
          [](py::object self) { return vector_view(self.cast<Population&>().entry_templates, self); },
          "Rows of the firms that closed in the burn-in's last months (uint32 view); a run's entrants take a "
          "template's region, sector, class and cooperative (empty: any firm).")
      .def_property_readonly(
          "entry_template_class",
          [](py::object self) { return vector_view(self.cast<Population&>().entry_template_class, self); },
          "Size class code of each entry template (uint8 view, as long as entry_templates).")
      .def_property(
          "cooperatives", [](Population& p) -> Cooperatives& { return p.cooperatives; },
          [](Population& p, const Cooperatives& c) { p.cooperatives = c; }, py::return_value_policy::reference_internal,
          "The population's Cooperatives (kept alive by the population; its arrays are views). Firms refer to them "
          "by index in `cooperative`.")
      .def_static(
          "from_csv",
          [](const std::string& path, const std::string& name, const std::string& regime,
             const std::optional<std::string>& cooperatives, const std::optional<std::string>& memberships,
             const std::string& csv_locale) {
            const auto r = class_regime_from_string(regime, "regime");
            const auto locale = parse_csv_locale(csv_locale, "csv_locale");
            if (memberships && !cooperatives)
              throw InvalidArgument("memberships", *memberships,
                                    "a memberships file only together with a cooperatives file (cooperatives=...)");
            py::gil_scoped_release release;
            if (cooperatives)
              return load_population_csv(path, name, r, *cooperatives, memberships.value_or(""), locale);
            return load_population_csv(path, name, r, locale);
          },
          py::arg("path"), py::arg("name") = "", py::arg("regime") = "law20_2008", py::kw_only(),
          py::arg("cooperatives") = py::none(), py::arg("memberships") = py::none(), py::arg("csv_locale") = "auto",
          "Read firms from a CSV file (columns in docs/data.md); `regime` is that of its size_class column. With "
          "`cooperatives`, the population's cooperatives come from that file and the memberships from "
          "`memberships` (or, without it, from the firm file's cooperative column). `csv_locale`: 'auto' (detected "
          "from each file's header row), 'en' (commas, 1234.5) or 'id' (semicolons, 1.234,5).")
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
  pop.def_static("array_names", [] {  // the per-firm arrays, in declaration order
    return std::vector<std::string>{
#define MSMESIM_POPULATION_NAME(field) #field,
        MSMESIM_POPULATION_ARRAYS(MSMESIM_POPULATION_NAME)
#undef MSMESIM_POPULATION_NAME
    };
  });

  m.def(
      "burn_in",
      [](Population& population, const FirmParams& params, int months, std::uint64_t seed, int threads) {
        // Safe without the GIL: the population is a C++ object the caller's
        // reference keeps alive, and nothing here calls back into Python.
        py::gil_scoped_release release;
        burn_in(population, params, months, seed, threads);
      },
      py::arg("population"), py::arg("params") = FirmParams{}, py::arg("months") = 60, py::arg("seed") = 1,
      py::arg("threads") = 1,
      "Step the firms of `population` (in place) for `months` months through the model's own processes under "
      "`params`, without shocks or programmes, replacing each firm that closes by a new one in its place (drawn "
      "from population.entry_spec), and write their state back (docs/model.md §4). Deterministic in (population, "
      "params, months, seed); sets population.baseline_exit_rate_month.");
  m.def("estimate_entry_spec", &estimate_entry_spec, py::arg("population"),
        py::call_guard<py::gil_scoped_release>(),
        "A PopulationSpec estimated from a population's firms (sectors, classes and shares), from which entrants "
        "are drawn.");
}

}  // namespace msmesim::python
