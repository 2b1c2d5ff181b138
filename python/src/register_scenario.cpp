// Shocks, input-output tables, scenarios (with their programmes, bound in
// register_programmes.cpp) and the built-in presets. Enums and
// months travel as strings ("sales", "2020-03").
#include <msmesim/core/error.hpp>
#include <stdexcept>
#include <msmesim/scenario/presets.hpp>
#include <msmesim/scenario/scenario.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {
SeverityDist::Kind kind_from_string(const std::string& s) {
  if (s == "fixed") return SeverityDist::Kind::fixed;
  if (s == "uniform") return SeverityDist::Kind::uniform;
  if (s == "beta") return SeverityDist::Kind::beta;
  throw InvalidArgument("severity.kind", "'" + s + "'", "one of fixed, uniform, beta");
}
std::string kind_name(SeverityDist::Kind k) {
  switch (k) {
    case SeverityDist::Kind::fixed: return "fixed";
    case SeverityDist::Kind::uniform: return "uniform";
    case SeverityDist::Kind::beta: return "beta";
  }
  return "?";
}
double shock_default(std::string_view name) {
  for (const ParamInfo& row : shock_field_table())
    if (row.name == name) return row.default_value;
  throw std::logic_error("no shock field " + std::string(name));
}
int shock_default_int(std::string_view name) { return static_cast<int>(shock_default(name)); }
}  // namespace

void register_scenario(py::module_& m) {
  py::class_<SeverityDist>(m, "SeverityDist", "Distribution of severities (0-1) over the firms a shock hits.")
      .def(py::init([](const std::string& kind, double a, double b) {
             return SeverityDist{kind_from_string(kind), a, b};
           }),
           py::arg("kind"), py::arg("a"), py::arg("b") = 0.0)
      .def_static("fixed", &SeverityDist::fixed, py::arg("value"))
      .def_static("uniform", &SeverityDist::uniform, py::arg("low"), py::arg("high"))
      .def_static("beta", &SeverityDist::beta, py::arg("mean"), py::arg("sd"))
      .def_property_readonly("kind", [](const SeverityDist& d) { return kind_name(d.kind); })
      .def_readonly("a", &SeverityDist::a)
      .def_readonly("b", &SeverityDist::b)
      .def("mean", &SeverityDist::mean)
      .def("validate", &SeverityDist::validate, py::arg("field") = "severity")
      .def("__repr__", &SeverityDist::describe);

  py::class_<Shock> shock(m, "Shock", "A shock on one channel: onset, time profile, incidence and severity.");
  // The numeric fields, one property each, as shock_field_table() describes them.
  for (const ParamInfo& row : shock_field_table()) {
    const std::string_view name = row.name;
    if (row.integer) {
      shock.def_property(
          row.name.data(), [name](const Shock& s) { return static_cast<int>(shock_field(s, name)); },
          [name](Shock& s, int v) { set_shock_field(s, name, v); }, row.description.data());
    } else {
      shock.def_property(
          row.name.data(), [name](const Shock& s) { return shock_field(s, name); },
          [name](Shock& s, double v) { set_shock_field(s, name, v); }, row.description.data());
    }
  }
  shock.def(py::init([](const std::string& channel, const MonthArg& onset, SeverityDist severity, double incidence,
                       int ramp_months, int plateau_months, double recovery_half_life_months,
                       std::vector<double> path, std::vector<std::string> sectors, std::vector<std::string> regions,
                       std::vector<std::string> classes, std::map<std::string, double> incidence_by_sector,
                       std::string name, int recovery_months, double end_below,
                       std::map<std::string, SeverityDist> severity_by_sector) {
             Shock s;
             s.name = std::move(name);
             s.channel = channel_from_string(channel, "channel");
             s.onset = onset.parse("onset");
             s.severity = severity;
             set_shock_field(s, "incidence", incidence);
             set_shock_field(s, "ramp_months", ramp_months);
             set_shock_field(s, "plateau_months", plateau_months);
             set_shock_field(s, "recovery_half_life_months", recovery_half_life_months);
             set_shock_field(s, "recovery_months", recovery_months);
             set_shock_field(s, "end_below", end_below);
             s.profile.path = std::move(path);
             s.target.sectors = std::move(sectors);
             s.target.regions = std::move(regions);
             s.target.classes = classes_from(classes, "classes");
             s.incidence_by_sector = std::move(incidence_by_sector);
             s.severity_by_sector = std::move(severity_by_sector);
             s.validate(s.name.empty() ? "shock" : "shock '" + s.name + "'");
             return s;
           }),
           py::kw_only(), py::arg("channel"), py::arg("onset"), py::arg("severity"),
           py::arg("incidence") = shock_default("incidence"), py::arg("ramp_months") = shock_default_int("ramp_months"),
           py::arg("plateau_months") = shock_default_int("plateau_months"),
           py::arg("recovery_half_life_months") = shock_default("recovery_half_life_months"),
           py::arg("path") = std::vector<double>{}, py::arg("sectors") = std::vector<std::string>{},
           py::arg("regions") = std::vector<std::string>{}, py::arg("classes") = std::vector<std::string>{},
           py::arg("incidence_by_sector") = std::map<std::string, double>{}, py::arg("name") = "",
           py::arg("recovery_months") = shock_default_int("recovery_months"),
           py::arg("end_below") = shock_default("end_below"),
           py::arg("severity_by_sector") = std::map<std::string, SeverityDist>{})
      .def_readwrite("name", &Shock::name)
      .def_property(
          "channel", [](const Shock& s) { return std::string(to_string(s.channel)); },
          [](Shock& s, const std::string& v) { s.channel = channel_from_string(v, "channel"); })
      .def_property(
          "onset", [](const Shock& s) { return s.onset.to_string(); },
          [](Shock& s, const MonthArg& v) { s.onset = v.parse("onset"); })
      .def_readwrite("severity", &Shock::severity)
      .def_readwrite("incidence_by_sector", &Shock::incidence_by_sector)
      .def_readwrite("severity_by_sector", &Shock::severity_by_sector,
                     "Severity for particular sectors (sector name: SeverityDist), overriding `severity` (a copy: "
                     "assign a new dict to change it).")
      .def_property(
          "path", [](const Shock& s) { return s.profile.path; },
          [](Shock& s, std::vector<double> v) { s.profile.path = std::move(v); })
      .def_property(
          "sectors", [](const Shock& s) { return s.target.sectors; },
          [](Shock& s, std::vector<std::string> v) { s.target.sectors = std::move(v); })
      .def_property(
          "regions", [](const Shock& s) { return s.target.regions; },
          [](Shock& s, std::vector<std::string> v) { s.target.regions = std::move(v); })
      .def_property(
          "classes", [](const Shock& s) { return class_names(s.target.classes); },
          [](Shock& s, const std::vector<std::string>& v) { s.target.classes = classes_from(v, "classes"); })
      .def("intensity", [](const Shock& s, int k) { return s.profile.intensity(k); }, py::arg("months_since_onset"),
           "Intensity (0-1) a number of months after onset.")
      .def("months_to_end", [](const Shock& s) { return s.profile.months_to_end(); },
           "Months after onset from which the intensity is 0 for good (-1: never, only for a half-life decay "
           "with end_below 0).")
      .def("validate", [](const Shock& s) { s.validate(s.name.empty() ? "shock" : "shock '" + s.name + "'"); })
      .def("__copy__", [](const Shock& s) { return s; })
      .def("__deepcopy__", [](const Shock& s, py::dict) { return s; })
      .def("__repr__", [](const Shock& s) {
        return "Shock(name='" + s.name + "', channel='" + std::string(to_string(s.channel)) + "', onset='" +
               s.onset.to_string() + "', incidence=" + std::to_string(s.incidence) + ", severity=" +
               s.severity.describe() + ")";
      });

  py::class_<InputOutput>(m, "InputOutput", "An input-output table of technical coefficients over sectors.")
      .def(py::init([](std::vector<std::string> sectors,
                       py::array_t<double, py::array::c_style | py::array::forcecast> coefficients,
                       std::vector<double> output) {
             const auto n = static_cast<py::ssize_t>(sectors.size());
             if (coefficients.ndim() != 2 || coefficients.shape(0) != n || coefficients.shape(1) != n)
               throw InvalidArgument("technical_coefficients", "an array of another shape",
                                     "an n x n matrix, n = number of sectors (" + std::to_string(n) + ")");
             InputOutput io;
             io.sectors = std::move(sectors);
             io.technical_coefficients.assign(coefficients.data(), coefficients.data() + n * n);
             io.output = std::move(output);
             io.validate();
             return io;
           }),
           py::arg("sectors"), py::arg("technical_coefficients"), py::arg("output") = std::vector<double>{})
      .def_readonly("sectors", &InputOutput::sectors)
      .def_property_readonly("technical_coefficients",
                             [](const InputOutput& io) {
                               const auto n = static_cast<py::ssize_t>(io.sectors.size());
                               py::array_t<double> a({n, n});
                               std::copy(io.technical_coefficients.begin(), io.technical_coefficients.end(),
                                         a.mutable_data());
                               return a;
                             })
      .def_readonly("output", &InputOutput::output);

  py::class_<Restriction>(m, "Restriction",
                          "Restrictions on gatherings (PSBB, PPKM) from start to end (calendar months, inclusive); "
                          "intensity is the share of the month physical meetings were not allowed. They block "
                          "cooperatives' members' meetings (RAT) unless a cooperative can meet online.")
      .def(py::init([](const MonthArg& start, const MonthArg& end, double intensity, std::string name) {
             Restriction r;
             r.start = start.parse("start");
             r.end = end.parse("end");
             r.intensity = intensity;
             r.name = std::move(name);
             r.validate(r.name.empty() ? "restriction" : "restriction '" + r.name + "'");
             return r;
           }),
           py::kw_only(), py::arg("start"), py::arg("end"), py::arg("intensity") = 1.0, py::arg("name") = "")
      .def_readwrite("name", &Restriction::name)
      .def_property(
          "start", [](const Restriction& r) { return r.start.to_string(); },
          [](Restriction& r, const MonthArg& v) { r.start = v.parse("start"); },
          "First month of the restrictions ('YYYY-MM').")
      .def_property(
          "end", [](const Restriction& r) { return r.end.to_string(); },
          [](Restriction& r, const MonthArg& v) { r.end = v.parse("end"); },
          "Last month of the restrictions ('YYYY-MM', inclusive).")
      .def_readwrite("intensity", &Restriction::intensity,
                     "Share of each month physical meetings were not allowed (0-1).")
      .def("validate",
           [](const Restriction& r) { r.validate(r.name.empty() ? "restriction" : "restriction '" + r.name + "'"); })
      .def("__copy__", [](const Restriction& r) { return r; })
      .def("__deepcopy__", [](const Restriction& r, py::dict) { return r; })
      .def("__repr__", [](const Restriction& r) {
        return "Restriction(name='" + r.name + "', start='" + r.start.to_string() + "', end='" + r.end.to_string() +
               "', intensity=" + detail::format_value(r.intensity) + ")";
      });

  py::class_<Scenario>(m, "Scenario", "Horizon, shocks, support programmes, parameters and linkages of a run.")
      .def(py::init([](std::string name, const MonthArg& start, int months, std::vector<Shock> shocks,
                       std::vector<Programme> programmes, py::object params, std::optional<InputOutput> input_output, const std::string& class_regime,
                       const std::string& class_criterion, int class_review_months,
                       std::vector<Restriction> restrictions, const std::optional<MonthArg>& survey_start,
                       const std::optional<MonthArg>& survey_end) {
             Scenario s;
             s.name = std::move(name);
             s.start = start.parse("start");
             s.months = months;
             s.shocks = std::move(shocks);
             s.restrictions = std::move(restrictions);
             s.programmes = std::move(programmes);
             if (survey_start) s.survey_start = survey_start->parse("survey_start");
             if (survey_end) s.survey_end = survey_end->parse("survey_end");
             if (py::isinstance<FirmParams>(params)) {
               s.params = params.cast<FirmParams>();
             } else if (py::isinstance<py::dict>(params)) {
               for (auto item : params.cast<py::dict>()) {
                 const auto key = py::str(item.first).cast<std::string>();
                 if (py::isinstance<py::bool_>(item.second) ||
                     (!py::isinstance<py::int_>(item.second) && !py::isinstance<py::float_>(item.second)))
                   throw TypeMismatch("params." + key, py::repr(item.second).cast<std::string>(), "a number");
                 s.params.set(key, item.second.cast<double>());
               }
             } else if (!params.is_none()) {
               throw TypeMismatch("params", py::repr(params).cast<std::string>(), "a dict of name: number or FirmParams");
             }
             s.input_output = std::move(input_output);
             s.class_regime = class_regime_from_string(class_regime, "class_regime");
             s.class_criterion = class_criterion_from_string(class_criterion, "class_criterion");
             s.class_review_months = class_review_months;
             s.validate();
             return s;
           }),
           py::kw_only(), py::arg("name") = "baseline", py::arg("start") = "2020-01", py::arg("months") = 36,
           py::arg("shocks") = std::vector<Shock>{}, py::arg("programmes") = std::vector<Programme>{},
           py::arg("params") = py::none(),
           py::arg("input_output") = py::none(), py::arg("class_regime") = "law20_2008",
           py::arg("class_criterion") = "higher_of", py::arg("class_review_months") = 12,
           py::arg("restrictions") = std::vector<Restriction>{}, py::arg("survey_start") = py::none(),
           py::arg("survey_end") = py::none())
      .def_readwrite("name", &Scenario::name)
      .def_property(
          "start", [](const Scenario& s) { return s.start.to_string(); },
          [](Scenario& s, const MonthArg& v) { s.start = v.parse("start"); })
      .def_readwrite("months", &Scenario::months)
      .def_readwrite("shocks", &Scenario::shocks, "List of Shock (assign a new list to change it).")
      .def_readwrite("restrictions", &Scenario::restrictions,
                     "List of Restriction on gatherings; where several cover a month, the largest intensity counts "
                     "(assign a new list to change it).")
      .def_property(
          "survey_start",
          [](const Scenario& s) { return s.survey_start ? std::optional(s.survey_start->to_string()) : std::nullopt; },
          [](Scenario& s, const std::optional<MonthArg>& v) {
            s.survey_start = v ? std::optional(v->parse("survey_start")) : std::nullopt;
          },
          "First month of the survey window of the main-problem shares in summaries ('YYYY-MM'; None: no "
          "window). Set together with survey_end.")
      .def_property(
          "survey_end",
          [](const Scenario& s) { return s.survey_end ? std::optional(s.survey_end->to_string()) : std::nullopt; },
          [](Scenario& s, const std::optional<MonthArg>& v) {
            s.survey_end = v ? std::optional(v->parse("survey_end")) : std::nullopt;
          },
          "Last month of the survey window ('YYYY-MM'; None: no window).")
      .def(
          "restriction", [](const Scenario& s, const MonthArg& ym) { return s.restriction(ym.parse("month")); },
          py::arg("month"), "Intensity (0-1) of the restrictions on gatherings in a calendar month ('YYYY-MM').")
      .def_readwrite("programmes", &Scenario::programmes,
                     "List of Programme, in the order they are served (assign a new list to change it).")
      .def_readwrite("params", &Scenario::params)
      .def_readwrite("input_output", &Scenario::input_output)
      .def_property(
          "class_regime", [](const Scenario& s) { return std::string(to_string(s.class_regime)); },
          [](Scenario& s, const std::string& v) { s.class_regime = class_regime_from_string(v, "class_regime"); })
      .def_property(
          "class_criterion", [](const Scenario& s) { return std::string(to_string(s.class_criterion)); },
          [](Scenario& s, const std::string& v) {
            s.class_criterion = class_criterion_from_string(v, "class_criterion");
          })
      .def_readwrite("class_review_months", &Scenario::class_review_months)
      .def("validate", &Scenario::validate)
      .def("__copy__", [](const Scenario& s) { return s; })
      .def("__deepcopy__", [](const Scenario& s, py::dict) { return s; });

  // Presets (wrapped by the pure-Python module msmesim.presets).
  m.attr("BOGOR_FIRMS") = presets::kBogorFirms;
  m.def("bogor_kecamatan", &presets::bogor_kecamatan);
  m.def("bogor_active_cooperatives_2019", &presets::bogor_active_cooperatives_2019);
  m.def("bogor_active_cooperatives_2020", &presets::bogor_active_cooperatives_2020);
  m.def("bogor_sectors", &presets::bogor_sectors);
  m.def("bogor_cooperative_spec", &presets::bogor_cooperative_spec,
        "Bogor's cooperatives in 2019: 1,651 cooperatives, 589 active by kecamatan, 91,555 members.");
  m.def("bogor_population_spec", &presets::bogor_population_spec, py::arg("firms") = presets::kBogorFirms);
  m.attr("NORTH_SUMATRA_COOPERATIVES") = presets::kNorthSumatraCooperatives;
  m.attr("NORTH_SUMATRA_VIRTUAL_RAT_SHARE") = presets::kNorthSumatraVirtualRatShare;
  m.def("north_sumatra_cooperative_spec", &presets::north_sumatra_cooperative_spec,
        "North Sumatra's 11,917 cooperatives and about 900,000 members (seed 001) with Bogor's composition per "
        "cooperative and the share able to hold their members' meeting online (NORTH_SUMATRA_VIRTUAL_RAT_SHARE).");
  m.def("bogor_input_output", &presets::bogor_input_output);
  m.attr("BANJARBARU_FIRMS") = presets::kBanjarbaruFirms;
  m.def("banjarbaru_population_spec", &presets::banjarbaru_population_spec,
        py::arg("firms") = presets::kBanjarbaruFirms);
  m.attr("NORTH_SUMATRA_MEMBERS") = presets::kNorthSumatraMembers;
  m.attr("BOGOR_2024_COOPERATIVES") = presets::kBogor2024Cooperatives;
  m.attr("BOGOR_2024_ACTIVE_COOPERATIVES") = presets::kBogor2024ActiveCooperatives;
  m.attr("BOGOR_REGISTERED_FIRMS_2024") = presets::kBogorRegisteredFirms2024;
  m.attr("BOGOR_REGISTERED_COOPERATIVES_2024") = presets::kBogorRegisteredCooperatives2024;
  m.def("bogor_2024_cooperative_spec", &presets::bogor_2024_cooperative_spec,
        "Bogor's cooperatives in 2024 (seed 003): 1,845, 778 of them active.");
  m.def("bogor_2024_population_spec", &presets::bogor_2024_population_spec, py::arg("firms") = presets::kBogorFirms);
  m.def("bogor_registered_2024_cooperative_spec", &presets::bogor_registered_2024_cooperative_spec,
        "The 768 cooperatives Bogor counted in November 2024 (seed 004), 324 of them active (seed 003's share).");
  m.def("bogor_registered_2024_population_spec", &presets::bogor_registered_2024_population_spec,
        py::arg("firms") = presets::kBogorRegisteredFirms2024);
  m.def(
      "population_presets",
      [] {
        py::list rows;
        for (const auto& p : presets::population_presets()) {
          py::dict row;
          row["name"] = std::string(p.name);
          row["firms"] = p.firms;
          row["description"] = std::string(p.description);
          rows.append(row);
        }
        return rows;
      },
      "The built-in populations a scenario file names ([population] preset): name, firms (its size when a file "
      "gives none) and description with its sources.");
  m.def(
      "population_preset_spec",
      [](const std::string& name, std::int64_t firms) {
        const auto& p = presets::population_preset(name, "preset");
        return p.spec(firms > 0 ? firms : p.firms);
      },
      py::arg("name"), py::arg("firms") = 0,
      "The population spec of the built-in population `name` with `firms` firms (0: its own size).");
  m.def("covid19_shocks", &presets::covid19_shocks);
  m.def("bogor_covid19_scenario", &presets::bogor_covid19_scenario, py::arg("months") = 36);
}

}  // namespace msmesim::python
