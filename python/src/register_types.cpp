// Vocabulary: size classes, channels, lenders, cooperative types and the class
// regimes, as the snake_case strings Python users write.
#include <msmesim/core/error.hpp>
#include <msmesim/core/size_class.hpp>
#include <msmesim/core/state.hpp>
#include <msmesim/core/types.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {
template <class E, std::size_t N>
std::vector<std::string> names_of(const std::array<E, N>& all) {
  std::vector<std::string> out;
  for (auto e : all) out.emplace_back(to_string(e));
  return out;
}
}  // namespace

void register_types(py::module_& m) {
  m.def("size_classes", [] { return names_of(kAllSizeClasses); }, "Size class names, smallest first.");
  m.def("channels", [] { return names_of(kAllChannels); }, "Shock channel names.");
  m.def("lenders", [] { return names_of(kAllLenders); }, "Lender kinds, in the order firms try them.");
  m.def("closure_reasons", [] { return names_of(kAllClosureReasons); },
        "Why a firm closed, in code order (FirmState.closure_reason): open (not closed), owner_exit (the owner left "
        "for reasons outside the business), unviable (it no longer supported the household), insolvent (unable to "
        "meet its obligations for closure_after_months months).");
  m.def("coop_types", [] { return names_of(kAllCoopTypes); },
        "Cooperative types, in code order (the order of CooperativeSpec's per-type lists).");
  m.def("class_regimes", [] { return std::vector<std::string>{"law20_2008", "pp7_2021", "bps_workers"}; },
        "Size-class regimes.");
  m.def("class_criteria", [] { return std::vector<std::string>{"higher_of", "turnover", "assets"}; },
        "How assets and turnover combine into a class.");
  m.def(
      "classify",
      [](const std::string& regime, const std::string& criterion, double assets_rp, double turnover_rp_year,
         int workers) {
        return std::string(to_string(classify(class_regime_from_string(regime), class_criterion_from_string(criterion),
                                              assets_rp, turnover_rp_year, workers)));
      },
      py::arg("regime"), py::arg("criterion"), py::arg("assets_rp"), py::arg("turnover_rp_year"), py::arg("workers"),
      "Size class of one firm under a regime: 'micro', 'small', 'medium' or 'large'.");
  m.def(
      "classify_codes",
      [](const std::string& regime, const std::string& criterion,
         py::array_t<double, py::array::c_style | py::array::forcecast> assets_rp,
         py::array_t<double, py::array::c_style | py::array::forcecast> turnover_rp_year,
         py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> workers) {
        const auto r = class_regime_from_string(regime);
        const auto c = class_criterion_from_string(criterion);
        const auto n = assets_rp.size();
        if (turnover_rp_year.size() != n || workers.size() != n)
          throw InvalidArgument("turnover_rp_year/workers", "arrays of other lengths",
                                "arrays as long as assets_rp (" + std::to_string(n) + ")");
        py::array_t<std::uint8_t> out(n);
        auto a = assets_rp.unchecked<1>();
        auto t = turnover_rp_year.unchecked<1>();
        auto w = workers.unchecked<1>();
        auto o = out.mutable_unchecked<1>();
        for (py::ssize_t i = 0; i < n; ++i)
          o(i) = static_cast<std::uint8_t>(classify(r, c, a(i), t(i), static_cast<int>(w(i))));
        return out;
      },
      py::arg("regime"), py::arg("criterion"), py::arg("assets_rp"), py::arg("turnover_rp_year"), py::arg("workers"),
      "Vectorised classify: class codes (0 micro .. 3 large) for arrays of firms.");
  m.def(
      "class_thresholds",
      [](const std::string& regime) {
        const auto& th = class_thresholds(class_regime_from_string(regime));
        py::dict d;
        d["assets_max_rp"] = std::vector<double>(th.assets_max_rp.begin(), th.assets_max_rp.end());
        d["turnover_max_rp_year"] = std::vector<double>(th.turnover_max_rp_year.begin(), th.turnover_max_rp_year.end());
        d["workers_max"] = std::vector<int>(th.workers_max.begin(), th.workers_max.end());
        return d;
      },
      py::arg("regime"), "Inclusive upper bounds of micro, small and medium under a regime.");
}

}  // namespace msmesim::python
