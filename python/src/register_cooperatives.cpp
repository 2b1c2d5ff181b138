// Cooperatives (koperasi): the generation spec and the structure of arrays a
// population holds. Attribute arrays are NumPy views of the C++ vectors (no
// copy); writing to them changes the cooperatives.
#include <msmesim/cooperatives/cooperative.hpp>
#include <msmesim/core/error.hpp>
#include <msmesim/core/types.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

#define MSMESIM_COOPERATIVE_ARRAYS(X)                                                                   \
  X(region) X(type) X(members) X(own_capital_rp) X(deposits_rp) X(borrowed_rp) X(surplus_rp) X(cash_rp) \
  X(loans_rp) X(arrears_rp) X(other_assets_rp) X(business_volume_rp_year) X(shu_rp_year) X(rat_history)  \
  X(active) X(healthy) X(virtual_rat)

namespace {

using TypeArray = std::array<double, kCoopTypes>;

/// A per-type array as a list of 5 floats, in CoopType order.
std::vector<double> type_list(const TypeArray& a) { return {a.begin(), a.end()}; }

/// Assigns a list of 5 floats to a per-type array; other lengths are an
/// InvalidArgument naming the field.
void set_type_list(TypeArray& a, const std::vector<double>& v, const char* field) {
  if (v.size() != a.size())
    throw InvalidArgument(std::string("cooperatives.") + field, std::to_string(v.size()) + " values",
                          "5 values, one per type (producer, consumer, marketing, service, savings_loan)");
  std::copy(v.begin(), v.end(), a.begin());
}

/// Checks a cooperative index for the per-cooperative accessors.
std::size_t checked(const Cooperatives& co, std::int64_t c) {
  if (c < 0 || c >= static_cast<std::int64_t>(co.size()))
    throw py::index_error("cooperative " + std::to_string(c) + " out of range: the population has " +
                          std::to_string(co.size()) + " cooperatives");
  return static_cast<std::size_t>(c);
}

}  // namespace

void register_cooperatives(py::module_& m) {
  py::class_<CooperativeSpec>(m, "CooperativeSpec",
                              "How to generate the cooperatives of a synthetic population (docs/model.md §14). "
                              "With count = 0 the population has none.")
      .def(py::init<>())
      .def_readwrite("count", &CooperativeSpec::count, "Registered cooperatives (0: none).")
      .def_readwrite("active_by_region", &CooperativeSpec::active_by_region,
                     "Active cooperatives per region, met exactly (one entry per region of the population spec); "
                     "when empty, `active` is apportioned by region weight. Assign a new list to change it.")
      .def_readwrite("active", &CooperativeSpec::active, "Active cooperatives in all, used when active_by_region is empty.")
      .def_property(
          "type_weights", [](const CooperativeSpec& s) { return type_list(s.type_weights); },
          [](CooperativeSpec& s, const std::vector<double>& v) { set_type_list(s.type_weights, v, "type_weights"); },
          "Relative number of cooperatives of each type, as 5 floats in coop_types() order (apportioned exactly).")
      .def_readwrite("members", &CooperativeSpec::members, "Member persons in all cooperatives.")
      .def_readwrite("min_members", &CooperativeSpec::min_members, "Members of the smallest cooperative.")
      .def_readwrite("own_capital_rp", &CooperativeSpec::own_capital_rp, "Total own capital (modal sendiri), Rp.")
      .def_readwrite("external_capital_rp", &CooperativeSpec::external_capital_rp,
                     "Total external capital (modal luar: deposits + borrowed), Rp.")
      .def_readwrite("business_volume_rp_year", &CooperativeSpec::business_volume_rp_year,
                     "Total business volume of the last book year, Rp.")
      .def_readwrite("shu_rp_year", &CooperativeSpec::shu_rp_year, "Total SHU (surplus) of the last book year, Rp.")
      .def_readwrite("rat_last_year", &CooperativeSpec::rat_last_year,
                     "Active cooperatives that held their members' meeting (RAT) last year.")
      .def_readwrite("active_rat_years", &CooperativeSpec::active_rat_years,
                     "Window of book years for activity: active = at least active_rat_min RATs in the last "
                     "active_rat_years years.")
      .def_readwrite("active_rat_min", &CooperativeSpec::active_rat_min,
                     "RATs within the window that make a cooperative active.")
      .def_readwrite("firm_member_share", &CooperativeSpec::firm_member_share,
                     "Share of members who run a firm of the population (member firms).")
      .def_readwrite("reference_firms", &CooperativeSpec::reference_firms,
                     "Population size the member figures refer to; member firms scale with firms / reference_firms "
                     "(0: no scaling).")
      .def_readwrite("size_sigma_log", &CooperativeSpec::size_sigma_log, "Dispersion (log-sd) of cooperative size (capital).")
      .def_readwrite("members_sigma_log", &CooperativeSpec::members_sigma_log, "Dispersion (log-sd) of membership.")
      .def_readwrite("inactive_size_factor", &CooperativeSpec::inactive_size_factor,
                     "Capital of an inactive cooperative relative to an active one.")
      .def_readwrite("deposit_share_of_external", &CooperativeSpec::deposit_share_of_external,
                     "Members' deposits within external capital.")
      .def_readwrite("cash_share_of_funds", &CooperativeSpec::cash_share_of_funds, "Liquid share of the balance sheet.")
      .def_property(
          "loan_share_of_funds", [](const CooperativeSpec& s) { return type_list(s.loan_share_of_funds); },
          [](CooperativeSpec& s, const std::vector<double>& v) {
            set_type_list(s.loan_share_of_funds, v, "loan_share_of_funds");
          },
          "Loans to members as a share of the balance sheet, as 5 floats in coop_types() order.")
      .def_property(
          "volume_weight", [](const CooperativeSpec& s) { return type_list(s.volume_weight); },
          [](CooperativeSpec& s, const std::vector<double>& v) { set_type_list(s.volume_weight, v, "volume_weight"); },
          "Business volume per rupiah of capital, relative, as 5 floats in coop_types() order.")
      .def_readwrite("virtual_rat_share", &CooperativeSpec::virtual_rat_share,
                     "Share of the cooperatives able to hold their members' meeting (RAT) online when physical "
                     "meetings are restricted.")
      .def("active_total", &CooperativeSpec::active_total,
           "Active cooperatives in all: the sum of active_by_region, or `active`.")
      .def("validate", &CooperativeSpec::validate, py::arg("regions"),
           "Raise InvalidArgumentError naming the first invalid field; `regions` is the number of regions of the "
           "population spec.")
      .def("__copy__", [](const CooperativeSpec& s) { return s; })
      .def("__deepcopy__", [](const CooperativeSpec& s, py::dict) { return s; })
      .def("__repr__", [](const CooperativeSpec& s) {
        return "CooperativeSpec(count=" + std::to_string(s.count) + ", active=" + std::to_string(s.active_total()) +
               ", members=" + std::to_string(s.members) + ")";
      });

  auto co = py::class_<Cooperatives>(m, "Cooperatives",
                                     "Initial state of every cooperative, one array per attribute (money in Rp). "
                                     "The balance sheet balances: cash + loans + other assets = deposits + borrowed "
                                     "+ own capital + surplus.");
  co.def(py::init<>())
      .def("__len__", &Cooperatives::size)
      .def_property_readonly("size", &Cooperatives::size)
      .def("resize", &Cooperatives::resize, py::arg("n"), "Resize every attribute array to n (new entries zero).")
      .def("validate", &Cooperatives::validate, py::arg("regions"),
           "Check lengths, index and value ranges and that every balance sheet balances; `regions` is the number "
           "of regions of the population.")
      .def("memory_bytes", &Cooperatives::memory_bytes, "Bytes held by the attribute arrays.")
      .def(
          "external_capital_rp",
          [](const Cooperatives& c, std::int64_t i) { return c.external_capital_rp(checked(c, i)); }, py::arg("c"),
          "External capital (modal luar) of cooperative c: deposits plus borrowed funds.")
      .def(
          "balance_gap_rp", [](const Cooperatives& c, std::int64_t i) { return c.balance_gap_rp(checked(c, i)); },
          py::arg("c"), "Assets minus liabilities and equity of cooperative c (zero when the books balance).")
      .def("copy", [](const Cooperatives& c) { return c; })
      .def("__copy__", [](const Cooperatives& c) { return c; })
      .def("__deepcopy__", [](const Cooperatives& c, py::dict) { return c; });
#define MSMESIM_COOPERATIVE_ARRAY(field)                                                                  \
  co.def_property_readonly(#field, [](py::object self) {                                                 \
    return vector_view(self.cast<Cooperatives&>().field, self);                                          \
  });
  MSMESIM_COOPERATIVE_ARRAYS(MSMESIM_COOPERATIVE_ARRAY)
#undef MSMESIM_COOPERATIVE_ARRAY
  co.def_static("array_names", [] {
    return std::vector<std::string>{
#define MSMESIM_COOPERATIVE_NAME(field) #field,
        MSMESIM_COOPERATIVE_ARRAYS(MSMESIM_COOPERATIVE_NAME)
#undef MSMESIM_COOPERATIVE_NAME
    };
  });
}

}  // namespace msmesim::python
