// Support programmes (docs/model.md §15): eligibility, the programme spec and
// the tables of kinds and kind-specific parameters. Enums and months travel
// as strings ("cash_grant", "2020-05"); the C++ "-1 means any / none / the
// default" fields travel as None.
#include <msmesim/core/error.hpp>
#include <msmesim/programmes/programme.hpp>
#include <msmesim/core/types.hpp>

#include <limits>
#include <optional>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// -1 / 0 / 1 (any / no / yes) <-> None / False / True.
std::optional<bool> tri_get(int v) { return v < 0 ? std::nullopt : std::optional<bool>(v != 0); }
int tri_set(std::optional<bool> v) { return v ? (*v ? 1 : 0) : -1; }
// The default of a shared field (programme_field_table), for the keywords.
double programme_default(std::string_view name) {
  return programme_field_table()[field_index(programme_field_table(), name, "programme field")].default_value;
}
// An optional shared field from Python: None is the field's unset marker.
template <class T>
void set_optional(Programme& p, std::string_view name, const std::optional<T>& v) {
  set_programme_field(p, name, v ? static_cast<double>(*v) : programme_default(name));
}

std::vector<std::string> coop_type_names(const std::vector<CoopType>& v) {
  std::vector<std::string> out;
  for (auto c : v) out.emplace_back(to_string(c));
  return out;
}
std::vector<CoopType> coop_types_from(const std::vector<std::string>& v, const std::string& field) {
  std::vector<CoopType> out;
  for (const auto& s : v) out.push_back(coop_type_from_string(s, field));
  return out;
}
template <class E, std::size_t N>
std::vector<std::string> names_of(const E (&all)[N]) {
  std::vector<std::string> out;
  for (auto e : all) out.emplace_back(to_string(e));
  return out;
}

std::string label(const Programme& p) { return p.name.empty() ? "programme" : "programme '" + p.name + "'"; }

std::string tri_repr(int v) { return v < 0 ? "None" : (v ? "True" : "False"); }
std::string list_repr(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t k = 0; k < v.size(); ++k) out += (k ? ", '" : "'") + v[k] + "'";
  return out + "]";
}
std::string range_repr(const AttributeRange& r) {
  return "AttributeRange('" + r.attribute + "', " + detail::format_value(r.min) + ", " +
         detail::format_value(r.max) + ")";
}
std::string eligibility_repr(const Eligibility& e) {
  std::string out = "Eligibility(classes=" + list_repr(class_names(e.classes)) + ", sectors=" + list_repr(e.sectors) +
                    ", regions=" + list_repr(e.regions) + ", registered=" + tri_repr(e.registered) +
                    ", never_had_kur=" + (e.never_had_kur ? "True" : "False") +
                    ", cooperative_member=" + tri_repr(e.cooperative_member) +
                    ", online_seller=" + tri_repr(e.online_seller) +
                    ", in_distress=" + (e.in_distress ? "True" : "False") + ", ranges=[";
  for (std::size_t k = 0; k < e.ranges.size(); ++k) out += (k ? ", " : "") + range_repr(e.ranges[k]);
  return out + "], coop_types=" + list_repr(coop_type_names(e.coop_types)) + ")";
}

}  // namespace

void register_programmes(py::module_& m) {
  m.def("programme_kinds", [] { return names_of(kAllProgrammeKinds); }, "Programme kind names (docs/model.md §15).");
  m.def(
      "programme_kind_rows",
      [] {
        py::list rows;
        for (const ProgrammeKindInfo& k : programme_kind_table()) {
          py::dict d;
          d["name"] = std::string(k.name);
          d["serves_firms"] = k.serves_firms;
          d["serves_cooperatives"] = k.serves_cooperatives;
          d["spends_budget"] = k.spends_budget;
          d["default_amount_rp"] = k.default_amount_rp;
          d["amount_meaning"] = std::string(k.amount_meaning);
          py::list hooks;
          for (const ProgrammeHook h : kAllProgrammeHooks)
            if (k.uses(h)) hooks.append(std::string(to_string(h)));
          d["hooks"] = hooks;
          d["ledger"] = std::string(k.ledger);
          rows.append(d);
        }
        return rows;
      },
      "One row per programme kind (name, serves_firms, serves_cooperatives, spends_budget, default_amount_rp, "
      "amount_meaning, hooks: the hooks of the programmes' month its mechanism uses, ledger: what its ledger's "
      "transfers pay for), in order; its parameters are programme_params(name).");
  m.def(
      "programme_hooks",
      [] {
        py::list rows;
        for (const ProgrammeHook h : kAllProgrammeHooks) {
          py::dict d;
          d["name"] = std::string(to_string(h));
          d["description"] = std::string(describe(h));
          rows.append(d);
        }
        return rows;
      },
      "The hooks of the programmes' month through which a kind acts (name, description), in order.");
  m.def("programme_field_table", [] { return param_table_rows(programme_field_table()); },
        "Rows (name, default, min, max, unit, integer, description, source) of the numeric fields every programme "
        "shares; a default below min (-1) marks an optional field, unset.");
  m.def(
      "spends_budget", [](const std::string& kind) { return spends_budget(programme_kind_from_string(kind)); },
      py::arg("kind"),
      "Whether a kind's awards cost the government money; those that do not (loan_restructuring: lenders bear the "
      "relief) act whatever their budget.");
  m.def(
      "serves_cooperatives",
      [](const std::string& kind) { return serves_cooperatives(programme_kind_from_string(kind)); }, py::arg("kind"),
      "Whether a kind's recipients are cooperatives (csr_capital, coop_network, virtual_rat; the clinic serves both).");
  m.def(
      "serves_firms", [](const std::string& kind) { return serves_firms(programme_kind_from_string(kind)); },
      py::arg("kind"), "Whether a kind's recipients are firms (the clinic serves both).");
  m.def("allocations", [] { return names_of(kAllAllocations); },
        "Allocation rules: who is served first when applicants exceed what is left.");
  m.def("eligibility_attributes", &eligibility_attributes,
        "Firm attributes an AttributeRange may test (revenue_rp_month is pre-shock revenue).");
  m.def(
      "default_amount_rp", [](const std::string& kind) { return default_amount_rp(programme_kind_from_string(kind)); },
      py::arg("kind"), "The default per-recipient amount of a programme kind, Rp.");
  m.def(
      "programme_params", [](const std::string& kind) { return param_table_rows(programme_params(programme_kind_from_string(kind))); },
      py::arg("kind"),
      "Rows (name, default, min, max, unit, integer, description, source) of a kind's kind-specific parameters.");

  py::class_<AttributeRange>(m, "AttributeRange",
                             "A numeric firm attribute within [min, max]; attribute is one of eligibility_attributes().")
      .def(py::init([](std::string attribute, double min, double max) {
             return AttributeRange{std::move(attribute), min, max};
           }),
           py::arg("attribute"), py::arg("min") = -kInf, py::arg("max") = kInf)
      .def_readwrite("attribute", &AttributeRange::attribute)
      .def_readwrite("min", &AttributeRange::min)
      .def_readwrite("max", &AttributeRange::max)
      .def("__copy__", [](const AttributeRange& r) { return r; })
      .def("__deepcopy__", [](const AttributeRange& r, py::dict) { return r; })
      .def("__repr__", &range_repr);

  py::class_<Eligibility>(m, "Eligibility",
                          "Conditions a firm must all meet to apply to a programme (empty lists and None mean any).")
      .def(py::init([](const std::vector<std::string>& classes, std::vector<std::string> sectors,
                       std::vector<std::string> regions, std::optional<bool> registered, bool never_had_kur,
                       std::optional<bool> cooperative_member, std::optional<bool> online_seller, bool in_distress,
                       std::vector<AttributeRange> ranges, const std::vector<std::string>& coop_types) {
             Eligibility e;
             e.classes = classes_from(classes, "eligibility.classes");
             e.sectors = std::move(sectors);
             e.regions = std::move(regions);
             e.registered = tri_set(registered);
             e.never_had_kur = never_had_kur;
             e.cooperative_member = tri_set(cooperative_member);
             e.online_seller = tri_set(online_seller);
             e.in_distress = in_distress;
             e.ranges = std::move(ranges);
             e.coop_types = coop_types_from(coop_types, "eligibility.coop_types");
             e.validate("eligibility");
             return e;
           }),
           py::kw_only(), py::arg("classes") = std::vector<std::string>{},
           py::arg("sectors") = std::vector<std::string>{}, py::arg("regions") = std::vector<std::string>{},
           py::arg("registered") = py::none(), py::arg("never_had_kur") = false,
           py::arg("cooperative_member") = py::none(), py::arg("online_seller") = py::none(),
           py::arg("in_distress") = false, py::arg("ranges") = std::vector<AttributeRange>{},
           py::arg("coop_types") = std::vector<std::string>{})
      .def_property(
          "classes", [](const Eligibility& e) { return class_names(e.classes); },
          [](Eligibility& e, const std::vector<std::string>& v) { e.classes = classes_from(v, "eligibility.classes"); },
          "Size classes (current class); empty: any. Assign a new list to change it.")
      .def_readwrite("sectors", &Eligibility::sectors,
                     "Sector names of the population (checked when a run starts); empty: any.")
      .def_readwrite("regions", &Eligibility::regions,
                     "Region (kecamatan) names of the population (checked when a run starts); empty: any.")
      .def_property(
          "registered", [](const Eligibility& e) { return tri_get(e.registered); },
          [](Eligibility& e, std::optional<bool> v) { e.registered = tri_set(v); },
          "True: registered firms only; False: unregistered only; None: any.")
      .def_readwrite("never_had_kur", &Eligibility::never_had_kur, "Only firms that never had a KUR loan.")
      .def_property(
          "cooperative_member", [](const Eligibility& e) { return tri_get(e.cooperative_member); },
          [](Eligibility& e, std::optional<bool> v) { e.cooperative_member = tri_set(v); },
          "True: members of a cooperative only; False: non-members only; None: any.")
      .def_property(
          "online_seller", [](const Eligibility& e) { return tri_get(e.online_seller); },
          [](Eligibility& e, std::optional<bool> v) { e.online_seller = tri_set(v); },
          "True: firms selling online only; False: offline only; None: any.")
      .def_readwrite("in_distress", &Eligibility::in_distress,
                     "Only firms unable to meet their obligations last month.")
      .def_readwrite("ranges", &Eligibility::ranges, "List of AttributeRange (assign a new list to change it).")
      .def_property(
          "coop_types", [](const Eligibility& e) { return coop_type_names(e.coop_types); },
          [](Eligibility& e, const std::vector<std::string>& v) {
            e.coop_types = coop_types_from(v, "eligibility.coop_types");
          },
          "For programmes that serve cooperatives: their types (coop_types()); empty: any. The regions apply to "
          "cooperatives too.")
      .def("validate", [](const Eligibility& e) { e.validate("eligibility"); })
      .def("__copy__", [](const Eligibility& e) { return e; })
      .def("__deepcopy__", [](const Eligibility& e, py::dict) { return e; })
      .def("__repr__", &eligibility_repr);

  py::class_<Programme> programme(m, "Programme",
                                  "A support programme: kind, window, budget, eligibility, allocation and kind "
                                  "parameters.");
  // The numeric fields every programme shares, one property each, as
  // programme_field_table() describes them; an optional one is None when
  // unset.
  for (const ParamInfo& row : programme_field_table()) {
    const std::string_view name = row.name;
    const ParamInfo* r = &row;
    const bool optional = row.default_value < row.min;
    if (row.integer && optional) {
      programme.def_property(
          row.name.data(),
          [name, r](const Programme& p) {
            const double v = programme_field(p, name);
            return field_unset(*r, v) ? std::nullopt : std::optional(static_cast<std::int64_t>(v));
          },
          [name](Programme& p, std::optional<std::int64_t> v) { set_optional(p, name, v); },
          row.description.data());
    } else if (optional) {
      programme.def_property(
          row.name.data(),
          [name, r](const Programme& p) {
            const double v = programme_field(p, name);
            return field_unset(*r, v) ? std::nullopt : std::optional(v);
          },
          [name](Programme& p, std::optional<double> v) { set_optional(p, name, v); },
          row.description.data());
    } else if (row.integer) {
      programme.def_property(
          row.name.data(), [name](const Programme& p) { return static_cast<std::int64_t>(programme_field(p, name)); },
          [name](Programme& p, std::int64_t v) { set_programme_field(p, name, static_cast<double>(v)); },
          row.description.data());
    } else {
      programme.def_property(
          row.name.data(), [name](const Programme& p) { return programme_field(p, name); },
          [name](Programme& p, double v) { set_programme_field(p, name, v); }, row.description.data());
    }
  }
  programme
      .def(py::init([](std::string name, const std::string& kind, const MonthArg& start, const MonthArg& end,
                       double budget_rp, std::optional<std::int64_t> quota, std::optional<double> amount_rp,
                       std::optional<Eligibility> eligibility, const std::string& allocation, double uptake,
                       std::optional<std::int64_t> monthly_capacity, double admin_cost_share, double leakage_share,
                       std::map<std::string, double> params) {
             Programme p;
             p.name = std::move(name);
             p.kind = programme_kind_from_string(kind, "kind");
             p.start = start.parse("start");
             p.end = end.parse("end");
             p.budget_rp = budget_rp;
             set_optional(p, "quota", quota);
             set_optional(p, "amount_rp", amount_rp);
             if (eligibility) p.eligibility = std::move(*eligibility);
             p.allocation = allocation_from_string(allocation, "allocation");
             p.uptake = uptake;
             set_optional(p, "monthly_capacity", monthly_capacity);
             p.admin_cost_share = admin_cost_share;
             p.leakage_share = leakage_share;
             p.params = std::move(params);
             p.validate(label(p));
             return p;
           }),
           py::kw_only(), py::arg("name"), py::arg("kind"), py::arg("start") = "2020-04", py::arg("end") = "2020-12",
           py::arg("budget_rp") = programme_default("budget_rp"), py::arg("quota") = py::none(), py::arg("amount_rp") = py::none(),
           py::arg("eligibility") = py::none(), py::arg("allocation") = "first_come", py::arg("uptake") = programme_default("uptake"),
           py::arg("monthly_capacity") = py::none(), py::arg("admin_cost_share") = programme_default("admin_cost_share"),
           py::arg("leakage_share") = programme_default("leakage_share"), py::arg("params") = std::map<std::string, double>{})
      .def_readwrite("name", &Programme::name, "Unique within a scenario; keys the programme's random numbers.")
      .def_property(
          "kind", [](const Programme& p) { return std::string(to_string(p.kind)); },
          [](Programme& p, const std::string& v) { p.kind = programme_kind_from_string(v, "kind"); },
          "The mechanism, one of programme_kinds().")
      .def_property(
          "start", [](const Programme& p) { return p.start.to_string(); },
          [](Programme& p, const MonthArg& v) { p.start = v.parse("start"); },
          "First month new recipients are taken ('YYYY-MM').")
      .def_property(
          "end", [](const Programme& p) { return p.end.to_string(); },
          [](Programme& p, const MonthArg& v) { p.end = v.parse("end"); },
          "Last month new recipients are taken ('YYYY-MM'); monthly benefits stop after it.")
      .def_readwrite("eligibility", &Programme::eligibility, "Eligibility (a copy: assign a new one to change it).")
      .def_property(
          "allocation", [](const Programme& p) { return std::string(to_string(p.allocation)); },
          [](Programme& p, const std::string& v) { p.allocation = allocation_from_string(v, "allocation"); },
          "Who is served first, one of allocations().")
      .def_readwrite("params", &Programme::params,
                     "Kind-specific parameters set by name (a copy: assign a new dict to change it); unset ones take "
                     "their defaults (programme_params(kind)).")
      .def("amount", &Programme::amount, "The per-recipient amount in effect (amount_rp, or the kind's default), Rp.")
      .def("param", &Programme::param, py::arg("name"), "A kind-specific parameter, set or default.")
      .def("validate", [](const Programme& p) { p.validate(label(p)); },
           "Raise InvalidArgumentError naming the first invalid field.")
      .def("__copy__", [](const Programme& p) { return p; })
      .def("__deepcopy__", [](const Programme& p, py::dict) { return p; })
      .def("__repr__", [](const Programme& p) {
        return "Programme(name='" + p.name + "', kind='" + std::string(to_string(p.kind)) + "', start='" +
               p.start.to_string() + "', end='" + p.end.to_string() + "', budget_rp=" +
               detail::format_value(p.budget_rp) + ", amount_rp=" + detail::format_value(p.amount()) + ")";
      });
}

}  // namespace msmesim::python
