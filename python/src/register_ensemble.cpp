// Ensembles: Ensemble (replications added in batches) and EnsembleResult.
// The GIL is released while replications run; the calling thread takes it
// back every 0.1 s at most to report progress and check for Ctrl-C.
#include <msmesim/ensembles/ensemble.hpp>
#include <msmesim/core/error.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {

Table& result_table(EnsembleResult& r, const std::string& which) {
  if (which == "outcomes") return r.outcomes;
  if (which == "comparison") return r.comparison;
  if (which == "comparison_by_group") return r.comparison_by_group;
  if (which == "additionality") return r.additionality;
  for (auto& [name, table] : r.series)
    if (which == "series:" + name) return table;
  std::string allowed = "one of outcomes, comparison, comparison_by_group, additionality";
  for (const auto& [name, table] : r.series) allowed += ", series:" + name;
  throw InvalidArgument("table", "'" + which + "'", allowed);
}

}  // namespace

void register_ensemble(py::module_& m) {
  m.def("ensemble_option_table", [] { return param_table_rows(ensemble_option_table()); },
        "Rows (name, default, min, max, unit, integer, description, source) of the numeric options of an "
        "ensemble (docs/ensembles.md).");
  py::class_<EnsembleResult>(m, "EnsembleResult", "Summary of an ensemble (scenario 0 is the baseline).")
      .def_readonly("scenarios", &EnsembleResult::scenarios)
      .def_readonly("population", &EnsembleResult::population)
      .def_readonly("seed", &EnsembleResult::seed)
      .def_readonly("first_replication", &EnsembleResult::first_replication)
      .def_readonly("replications", &EnsembleResult::replications)
      .def_readonly("replications_resumed", &EnsembleResult::replications_resumed)
      .def_readonly("common_random_numbers", &EnsembleResult::common_random_numbers)
      .def_readonly("confidence", &EnsembleResult::confidence)
      .def_property_readonly("start", [](const EnsembleResult& r) { return r.start.to_string(); })
      .def_readonly("months", &EnsembleResult::months)
      .def_readonly("region_names", &EnsembleResult::region_names)
      .def_readonly("sector_names", &EnsembleResult::sector_names)
      .def_readonly("programme_names", &EnsembleResult::programme_names)
      .def_readonly("elapsed_seconds", &EnsembleResult::elapsed_seconds)
      .def_readonly("threads", &EnsembleResult::threads)
      .def_readonly("cancelled", &EnsembleResult::cancelled)
      .def_readonly("memory_bytes", &EnsembleResult::memory_bytes)
      .def("series_names",
           [](const EnsembleResult& r) {
             std::vector<std::string> v;
             for (const auto& [name, table] : r.series) v.push_back(name);
             return v;
           })
      .def(
          "table_columns",
          [](py::object self, const std::string& which) {
            return table_columns(result_table(self.cast<EnsembleResult&>(), which), self);
          },
          py::arg("which"),
          "Columns of 'outcomes', 'comparison', 'comparison_by_group', 'additionality' or 'series:<table>' as "
          "(name, array, categories, unit); arrays are read-only views of the result.");

  py::class_<Ensemble>(m, "Ensemble",
                       "Replications of scenarios on one population (scenarios[0] is the baseline), added in "
                       "batches; results do not depend on the thread count or the batches.")
      .def(py::init([](const Population& population, std::vector<Scenario> scenarios, std::uint64_t seed,
                       std::uint32_t first_replication, int threads, bool common_random_numbers,
                       std::vector<double> quantiles, double confidence, double healthy_cash_months,
                       std::uint32_t exact_quantiles_up_to, std::string checkpoint) {
             EnsembleOptions o;
             o.seed = seed;
             o.first_replication = first_replication;
             o.threads = threads;
             o.common_random_numbers = common_random_numbers;
             o.quantiles = std::move(quantiles);
             o.confidence = confidence;
             o.healthy_cash_months = healthy_cash_months;
             o.exact_quantiles_up_to = exact_quantiles_up_to;
             o.checkpoint = std::move(checkpoint);
             return std::make_unique<Ensemble>(population, std::move(scenarios), std::move(o));
           }),
           // (Defaults: EnsembleOptions', which a test checks against ensemble_option_table.)
           py::arg("population"), py::arg("scenarios"), py::kw_only(), py::arg("seed") = EnsembleOptions{}.seed,
           py::arg("first_replication") = EnsembleOptions{}.first_replication,
           py::arg("threads") = EnsembleOptions{}.threads,
           py::arg("common_random_numbers") = EnsembleOptions{}.common_random_numbers,
           py::arg("quantiles") = EnsembleOptions{}.quantiles, py::arg("confidence") = EnsembleOptions{}.confidence,
           py::arg("healthy_cash_months") = EnsembleOptions{}.healthy_cash_months,
           py::arg("exact_quantiles_up_to") = EnsembleOptions{}.exact_quantiles_up_to,
           py::arg("checkpoint") = std::string(),
           py::keep_alive<1, 2>())  // the population must outlive the ensemble
      .def(
          "run",
          [](Ensemble& e, std::uint32_t replications, py::object progress) {
            auto cb = progress_adapter(std::move(progress));
            e.set_progress([cb](std::uint32_t done, std::uint32_t total) {
              return cb(static_cast<int>(done), static_cast<int>(total));
            });
            struct Reset {  // drop the Python callable with the GIL held
              Ensemble& e;
              ~Reset() { e.set_progress({}); }
            } reset{e};
            py::gil_scoped_release release;
            e.run(replications);
          },
          py::arg("replications"), py::arg("progress") = py::none(),
          "Run more replications. progress(done, total) is called on this thread after every replication and "
          "every 0.1 s; returning False stops (CancelledError) and Ctrl-C raises KeyboardInterrupt within a "
          "second. Completed replications are kept either way.")
      .def_property_readonly("replications_done", &Ensemble::replications_done)
      .def("result", &Ensemble::result, py::call_guard<py::gil_scoped_release>());
}

}  // namespace msmesim::python
