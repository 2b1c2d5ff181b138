// Scenario files (docs/scenario.md): PopulationSource, OutputSpec and
// ScenarioFile, the TOML reader and writer, make_population and the built-in
// scenario presets. ScenarioFileError becomes a Python ParseError subclass
// with .file, .line, .key (also .column), .value and .allowed.
#include <msmesim/core/error.hpp>
#include <msmesim/scenario/scenario_file.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {
std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

void register_scenario_file(py::module_& m) {
  // The exception: a subclass of the ParseError of register_errors(), with
  // a translator of its own (tried before the generic ones, which were
  // registered earlier).
  static PyObject* scenario_error = [&] {
    py::tuple bases = py::make_tuple(m.attr("ParseError"));
    PyObject* type = PyErr_NewExceptionWithDoc(
        "msmesim._core.ScenarioFileError",
        "An error in a scenario file; has .file, .line, .key (also .column), .value and .allowed (of the first "
        "mistake when the file has several) and .errors: every mistake, each a ScenarioFileError of its own.",
        bases.ptr(),
        nullptr);
    if (!type) throw py::error_already_set();
    m.add_object("ScenarioFileError", py::handle(type));
    return type;
  }();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ScenarioFileError& e) {
      auto make = [](const ScenarioFileError& x) {
        py::object exc = py::reinterpret_borrow<py::object>(scenario_error)(x.what());
        exc.attr("file") = py::str(x.file());
        exc.attr("line") = py::int_(x.line());
        exc.attr("column") = py::str(x.key());
        exc.attr("key") = py::str(x.key());
        exc.attr("value") = py::str(x.value());
        exc.attr("allowed") = py::str(x.allowed());
        return exc;
      };
      py::object exc = make(e);
      py::list all;
      const auto errors = e.errors();
      if (errors.size() == 1) {
        all.append(exc);
      } else {
        for (const auto& x : errors) {
          py::object one = make(x);
          py::list alone;
          alone.append(one);
          one.attr("errors") = alone;
          all.append(one);
        }
      }
      exc.attr("errors") = all;
      PyErr_SetObject(scenario_error, exc.ptr());
    }
  });

  py::class_<PopulationSource>(m, "PopulationSource",
                               "Where a run's firms (and cooperatives) come from: the built-in population or "
                               "registry files ([population] of a scenario file).")
      .def(py::init([](std::string preset, std::int64_t firms, std::uint64_t seed, std::string firms_csv,
                       std::string cooperatives_csv, std::string memberships_csv, std::string regime,
                       std::int64_t burn_in_months, std::string csv_locale) {
             (void)parse_csv_locale(csv_locale, "csv_locale");
             return PopulationSource{std::move(preset),          firms,
                                     seed,                       std::move(firms_csv),
                                     std::move(cooperatives_csv), std::move(memberships_csv),
                                     std::move(regime),          burn_in_months,
                                     std::move(csv_locale)};
           }),
           py::kw_only(), py::arg("preset") = "bogor", py::arg("firms") = 0, py::arg("seed") = 1,
           py::arg("firms_csv") = "", py::arg("cooperatives_csv") = "", py::arg("memberships_csv") = "",
           py::arg("regime") = "law20_2008", py::arg("burn_in_months") = -1, py::arg("csv_locale") = "auto")
      .def_readwrite("preset", &PopulationSource::preset,
                     "A built-in population ('bogor'), or '' when firms_csv is given.")
      .def_readwrite("firms", &PopulationSource::firms, "Firms to generate (0: the preset's own size).")
      .def_readwrite("seed", &PopulationSource::seed, "The generation seed.")
      .def_readwrite("firms_csv", &PopulationSource::firms_csv,
                     "A registry file of firms (docs/data.md); relative to the scenario file.")
      .def_readwrite("cooperatives_csv", &PopulationSource::cooperatives_csv, "The registry's cooperatives file.")
      .def_readwrite("memberships_csv", &PopulationSource::memberships_csv, "The registry's memberships file.")
      .def_readwrite("regime", &PopulationSource::regime, "Size-class regime of a registry file.")
      .def_property(
          "csv_locale", [](const PopulationSource& s) { return s.csv_locale; },
          [](PopulationSource& s, const std::string& v) {
            (void)parse_csv_locale(v, "csv_locale");
            s.csv_locale = v;
          },
          "How the registry files write fields and numbers: 'auto' (detected from each file's header row), 'en' "
          "(commas, 1234.5) or 'id' (semicolons, 1.234,5: a spreadsheet export in an Indonesian locale).")
      .def_readwrite("burn_in_months", &PopulationSource::burn_in_months,
                     "Months of burn-in before the first month (docs/model.md §4); -1: the built-in population's "
                     "own (population.burn_in_months), and none for a registry file.")
      .def("__copy__", [](const PopulationSource& s) { return s; })
      .def("__deepcopy__", [](const PopulationSource& s, py::dict) { return s; })
      .def("__repr__", [](const PopulationSource& s) {
        if (!s.firms_csv.empty())
          return "PopulationSource(firms_csv=" + quoted(s.firms_csv) + ", cooperatives_csv=" +
                 quoted(s.cooperatives_csv) + ", memberships_csv=" + quoted(s.memberships_csv) +
                 ", regime=" + quoted(s.regime) +
                 (s.csv_locale == "auto" ? std::string() : ", csv_locale=" + quoted(s.csv_locale)) +
                 ", burn_in_months=" + std::to_string(s.burn_in_months) + ")";
        return "PopulationSource(preset=" + quoted(s.preset) + ", firms=" + std::to_string(s.firms) +
               ", seed=" + std::to_string(s.seed) + ", burn_in_months=" + std::to_string(s.burn_in_months) + ")";
      });

  py::class_<OutputSpec>(m, "OutputSpec", "What a run writes ([outputs] of a scenario file).")
      .def(py::init([](std::string dir, std::string report, bool microdata, bool cooperative_panel,
                       std::vector<int> panel_months) {
             return OutputSpec{std::move(dir), std::move(report), microdata, cooperative_panel,
                               std::move(panel_months)};
           }),
           py::kw_only(), py::arg("dir") = "", py::arg("report") = "", py::arg("microdata") = false,
           py::arg("cooperative_panel") = false, py::arg("panel_months") = std::vector<int>{})
      .def_readwrite("dir", &OutputSpec::dir, "Directory of the CSV files ('': none).")
      .def_readwrite("report", &OutputSpec::report, "An HTML report ('': none).")
      .def_readwrite("microdata", &OutputSpec::microdata, "Include the firm-level table.")
      .def_readwrite("cooperative_panel", &OutputSpec::cooperative_panel,
                     "Include one row per cooperative and month.")
      .def_readwrite("panel_months", &OutputSpec::panel_months,
                     "Months (indices from 0) whose every firm is written to panel.csv (assign a new list to "
                     "change it).")
      .def("__copy__", [](const OutputSpec& s) { return s; })
      .def("__deepcopy__", [](const OutputSpec& s, py::dict) { return s; })
      .def("__repr__", [](const OutputSpec& s) {
        return "OutputSpec(dir=" + quoted(s.dir) + ", report=" + quoted(s.report) +
               ", microdata=" + (s.microdata ? "True" : "False") +
               ", cooperative_panel=" + (s.cooperative_panel ? "True" : "False") +
               ", panel_months=" + py::repr(py::cast(s.panel_months)).cast<std::string>() + ")";
      });

  py::class_<ScenarioFile>(m, "ScenarioFile",
                           "A scenario file (docs/scenario.md): the scenario, its population, seed, replications "
                           "and outputs. Fields are edited in place (f.scenario.months = 12).")
      .def(py::init([](std::optional<Scenario> scenario, std::optional<PopulationSource> population,
                       std::uint64_t seed, std::int32_t replications, std::optional<OutputSpec> outputs,
                       std::string description, std::string extends, std::string source) {
             ScenarioFile f;
             if (scenario) f.scenario = std::move(*scenario);
             if (population) f.population = std::move(*population);
             f.seed = seed;
             f.replications = replications;
             if (outputs) f.outputs = std::move(*outputs);
             f.description = std::move(description);
             f.extends = std::move(extends);
             f.source = std::move(source);
             return f;
           }),
           py::kw_only(), py::arg("scenario") = py::none(), py::arg("population") = py::none(),
           py::arg("seed") = 1, py::arg("replications") = 1, py::arg("outputs") = py::none(),
           py::arg("description") = "", py::arg("extends") = "", py::arg("source") = "")
      .def_readwrite("description", &ScenarioFile::description)
      .def_readwrite("extends", &ScenarioFile::extends, "The preset it started from ('': none).")
      .def_readwrite("scenario", &ScenarioFile::scenario, "The Scenario (edited in place).")
      .def_readwrite("population", &ScenarioFile::population, "The PopulationSource (edited in place).")
      .def_readwrite("seed", &ScenarioFile::seed, "The run's seed (replication r uses seed, r).")
      .def_readwrite("replications", &ScenarioFile::replications)
      .def_readwrite("outputs", &ScenarioFile::outputs, "The OutputSpec (edited in place).")
      .def_readwrite("source", &ScenarioFile::source, "The file it was read from (base of relative paths).")
      .def("__copy__", [](const ScenarioFile& f) { return f; })
      .def("__deepcopy__", [](const ScenarioFile& f, py::dict) { return f; })
      .def("__repr__", [](const ScenarioFile& f) {
        return "<ScenarioFile " + quoted(f.scenario.name) + " source=" + quoted(f.source) + ", " +
               std::to_string(f.scenario.shocks.size()) + " shocks, " +
               std::to_string(f.scenario.programmes.size()) + " programmes, " + std::to_string(f.scenario.months) +
               " months>";
      });

  m.def("scenario_option_table", [] { return param_table_rows(scenario_option_table()); },
        "Rows (name, default, min, max, unit, integer, description, source) of the numeric options of a scenario "
        "file, by key path; a default below min marks an option unset unless given (docs/scenario.md).");
  m.def(
      "raise_scenario_file_errors",
      [](const std::vector<std::tuple<std::string, std::int64_t, std::string, std::string, std::string>>& rows) {
        std::vector<ScenarioFileError> all;
        for (const auto& [file, line, key, value, allowed] : rows) all.emplace_back(file, line, key, value, allowed);
        if (all.empty()) throw InvalidArgument("errors", "[]", "at least one (file, line, key, value, allowed)");
        throw ScenarioFileError::combined(std::move(all));
      },
      py::arg("errors"),
      "Raise the ScenarioFileError of the mistakes (file, line, key, value, allowed), worded and ordered as the "
      "reader reports a file's mistakes (for the checks the Python layer makes on a file).");
  m.def("load_scenario", &load_scenario_file, py::arg("path"),
        "Read and validate a scenario file (ScenarioFileError, FileError when it cannot be read).");
  m.def(
      "parse_scenario",
      [](std::string_view text, const std::string& source, const std::vector<std::string>& other_keys) {
        return parse_scenario(text, source, other_keys);
      },
      py::arg("text"), py::arg("source") = "<scenario>", py::arg("other_keys") = std::vector<std::string>{},
      "Read and validate a scenario from TOML text; `source` names it in errors. The top-level keys `other_keys` "
      "are left to the caller (an analysis's settings kept in the same file).");
  m.def("parse_programme_tables", &parse_programme_tables, py::arg("text"), py::arg("source"), py::arg("key"),
        "The programmes of the array of tables `key` of a TOML document, each read as a scenario's [[programmes]] "
        "are (errors named key[i].field, reported together); none when the key is absent.");
  m.def("to_toml", &to_toml, py::arg("scenario_file"), "The scenario file as TOML (every key, no extends).");
  m.def("save_scenario", &save_scenario_file, py::arg("scenario_file"), py::arg("path"),
        "Write to_toml(scenario_file) to `path` (through a temporary file).");
  m.def("make_population", &make_population, py::arg("population_source"), py::arg("base_dir") = "",
        py::arg("threads") = 1, py::arg("params") = FirmParams{}, py::call_guard<py::gil_scoped_release>(),
        "Generate or read the population a PopulationSource describes (relative paths from base_dir), burnt in "
        "under `params` (give the scenario's, so that a run without shocks stands still under them); refuses "
        "a population that would not fit in memory (error on population.firms).");
  m.def("require_memory", &detail::require_memory, py::arg("field"), py::arg("firms"),
        "Raise InvalidArgumentError on `field` when `firms` firms would not fit in the memory available.");
  m.def("preset_names", &presets::scenario_names, "Names of the built-in scenario files (presets/*.toml).");
  m.def("preset_text", [](const std::string& name) { return presets::scenario_text(name); }, py::arg("name"),
        "The TOML text of a built-in scenario file.");
  m.def("preset", [](const std::string& name) { return presets::scenario_file(name); }, py::arg("name"), "A built-in scenario file, parsed.");
}

}  // namespace msmesim::python
