// Running: run(), Simulation (month by month) and RunResult. The GIL is
// released while the engine steps; it is re-acquired only to report progress
// and to check for Ctrl-C.
#include <msmesim/engine/engine.hpp>
#include <msmesim/core/error.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

// The columns of a table as (name, array, categories or None, unit) tuples.
// Numeric columns are NumPy views whose base is `owner`.
py::list table_columns(Table& table, py::handle owner) {
  py::list out;
  for (auto& col : table.columns) {
    py::object data = std::visit(
        [&](auto& v) -> py::object {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_same_v<T, std::string>) {
            return py::cast(v);  // short label columns (dates) are copied into a list
          } else {
            return vector_view(v, owner, /*writeable=*/false);
          }
        },
        col.data);
    py::object cats = col.categories.empty() ? py::object(py::none()) : py::object(py::cast(col.categories));
    out.append(py::make_tuple(col.name, data, cats, col.unit));
  }
  return out;
}

// Wraps a Python progress callable: called with the GIL held after every
// month; Ctrl-C (a pending KeyboardInterrupt) propagates out of the run.
std::function<bool(int, int)> progress_adapter(py::object progress) {
  return [progress](int done, int total) -> bool {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (progress.is_none()) return true;
    py::object r = progress(done, total);
    return r.is_none() || r.cast<bool>();
  };
}

namespace {

// The tables are the core's list (run_result_tables()): one lookup, one error.
Table& table_by_name(RunResult& r, const std::string& which) { return r.table(which); }

std::string table_list_text();

/// (Kept for the life of the module: pybind11 keeps a pointer to a docstring.)
const std::string& table_columns_doc() {
  static const std::string doc = "Columns of a table (" + table_list_text() +
                                 ") as (name, array, categories, unit); arrays are read-only views of the result.";
  return doc;
}

std::string table_list_text() {
  std::string all;
  for (const TableInfo& t : run_result_tables()) all += (all.empty() ? "'" : ", '") + std::string(t.name) + "'";
  return all;
}

RunOptions make_options(std::uint64_t seed, std::uint32_t replication, int threads, bool microdata,
                        bool record_flows, bool cooperative_panel = false, std::vector<int> panel_months = {}) {
  RunOptions o;
  o.cooperative_panel = cooperative_panel;
  o.panel_months = std::move(panel_months);
  o.seed = seed;
  o.replication = replication;
  o.threads = threads;
  o.microdata = microdata;
  o.record_flows = record_flows;
  return o;
}

// The state's columns are the core's own list (a column cannot be missing here).
#define MSMESIM_STATE_ARRAYS(X) MSMESIM_FIRM_STATE_COLUMNS(X)

#define MSMESIM_FLOW_ARRAYS(X) X(stepped) MSMESIM_FIRM_FLOW_COLUMNS(X)

}  // namespace

void register_engine(py::module_& m) {
  py::class_<RunResult>(m, "RunResult", "The outcome of one run (one scenario, one replication).")
      .def_readonly("scenario", &RunResult::scenario)
      .def_readonly("population", &RunResult::population)
      .def_readonly("seed", &RunResult::seed)
      .def_readonly("replication", &RunResult::replication)
      .def_property_readonly("start", [](const RunResult& r) { return r.start.to_string(); })
      .def_readonly("months", &RunResult::months)
      .def_property_readonly(
          "survey_start",
          [](const RunResult& r) { return r.survey_start ? std::optional(r.survey_start->to_string()) : std::nullopt; },
          "First month of the scenario's survey window of the main-problem shares (None: none).")
      .def_property_readonly(
          "survey_end",
          [](const RunResult& r) { return r.survey_end ? std::optional(r.survey_end->to_string()) : std::nullopt; },
          "Last month of the survey window (None: none).")
      .def_readonly("initial_firms", &RunResult::initial_firms)
      .def_readonly("initial_employment", &RunResult::initial_employment)
      .def_readonly("region_names", &RunResult::region_names)
      .def_readonly("sector_names", &RunResult::sector_names)
      .def_readonly("class_transitions", &RunResult::class_transitions)
      .def_readonly("elapsed_seconds", &RunResult::elapsed_seconds)
      .def_readonly("threads", &RunResult::threads)
      .def("firm_months_per_second", &RunResult::firm_months_per_second)
      .def("summary", &RunResult::summary)
      .def(
          "table_columns",
          [](py::object self, const std::string& which) {
            return table_columns(table_by_name(self.cast<RunResult&>(), which), self);
          },
          py::arg("which"),
          table_columns_doc().c_str())
      .def_static(
          "table_names",
          [] {
            std::vector<std::string> names;
            for (const TableInfo& t : run_result_tables()) names.emplace_back(t.name);
            return names;
          },
          "The names of a result's tables (table_columns, write_csv), in order.")
      .def_static(
          "table_rows",
          [] {
            py::list rows;
            for (const TableInfo& t : run_result_tables()) {
              py::dict d;
              d["name"] = std::string(t.name);
              d["rows"] = std::string(t.rows);
              rows.append(d);
            }
            return rows;
          },
          "Each table of a result: its name and what one row is, in order.")
      .def(
          "write_csv",
          [](RunResult& r, const std::string& which, const std::string& path,
             std::vector<std::pair<std::string, std::string>> prefix) {
            Table& t = table_by_name(r, which);
            py::gil_scoped_release release;
            t.write_csv(path, prefix);
          },
          py::arg("which"), py::arg("path"), py::arg("prefix") = std::vector<std::pair<std::string, std::string>>{});

  m.def(
      "run",
      [](const Population& population, const Scenario& scenario, std::uint64_t seed, std::uint32_t replication,
         int threads, bool microdata, bool cooperative_panel, std::vector<int> panel_months, py::object progress) {
        RunOptions o =
            make_options(seed, replication, threads, microdata, false, cooperative_panel, std::move(panel_months));
        o.progress = progress_adapter(std::move(progress));
        // Safe without the GIL: the engine touches only C++ objects, which the
        // caller's references keep alive; Python is re-entered only through
        // the progress adapter, which takes the GIL.
        py::gil_scoped_release release;
        return run(population, scenario, o);
      },
      py::arg("population"), py::arg("scenario"), py::kw_only(), py::arg("seed") = 1, py::arg("replication") = 0,
      py::arg("threads") = 1, py::arg("microdata") = true, py::arg("cooperative_panel") = false,
      py::arg("panel_months") = std::vector<int>{}, py::arg("progress") = py::none(),
      "Run a scenario on a population to the end. panel_months: months (indices from 0) whose every firm is kept "
      "in the 'panel' table. progress(done, total) is called after every month; returning False cancels "
      "(CancelledError); Ctrl-C raises KeyboardInterrupt within a month.");

  auto sim = py::class_<Simulation>(m, "Simulation", "The engine one month at a time.");
  sim.def(py::init([](const Population& population, const Scenario& scenario, std::uint64_t seed,
                      std::uint32_t replication, int threads, bool record_flows, std::vector<int> panel_months) {
            py::gil_scoped_release release;
            return std::make_unique<Simulation>(
                population, scenario,
                make_options(seed, replication, threads, true, record_flows, false, std::move(panel_months)));
          }),
          py::arg("population"), py::arg("scenario"), py::kw_only(), py::arg("seed") = 1, py::arg("replication") = 0,
          py::arg("threads") = 1, py::arg("record_flows") = false, py::arg("panel_months") = std::vector<int>{},
          py::keep_alive<1, 2>())  // the population must outlive the simulation
      .def_property_readonly("months_done", &Simulation::months_done)
      .def_property_readonly("months_total", &Simulation::months_total)
      .def_property_readonly("done", &Simulation::done)
      .def("step", &Simulation::step, py::call_guard<py::gil_scoped_release>(), "Step one month.")
      .def(
          "run",
          [](Simulation& s, py::object progress) {
            auto cb = progress_adapter(std::move(progress));
            py::gil_scoped_release release;
            while (!s.done()) {
              s.step();
              if (!cb(s.months_done(), s.months_total())) throw Cancelled(s.months_done());
            }
          },
          py::arg("progress") = py::none(), "Step to the end.")
      .def("result", &Simulation::result, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("firm_count", [](const Simulation& s) { return s.state().count; })
      .def_property_readonly(
          "cooperatives", [](const Simulation& s) -> const Cooperatives& { return s.cooperatives(); },
          py::return_value_policy::reference_internal,
          "State of every cooperative after the latest month (read the arrays before stepping again).");
  sim.def(
      "state",
      [](py::object self, const std::string& name) -> py::array {
        auto& st = const_cast<FirmState&>(self.cast<Simulation&>().state());
#define MSMESIM_STATE_CASE(field) \
  if (name == #field) return vector_view(st.field, self, false);
        MSMESIM_STATE_ARRAYS(MSMESIM_STATE_CASE)
#undef MSMESIM_STATE_CASE
        throw InvalidArgument("state", "'" + name + "'", "a FirmState field, see Simulation.state_names()");
      },
      py::arg("name"), "Read-only view of one state array (all capacity; the first firm_count are live).");
  sim.def(
      "flows",
      [](py::object self, const std::string& name) -> py::array {
        auto& f = const_cast<FirmFlows&>(self.cast<Simulation&>().flows());
#define MSMESIM_FLOW_CASE(field) \
  if (name == #field) return vector_view(f.field, self, false);
        MSMESIM_FLOW_ARRAYS(MSMESIM_FLOW_CASE)
#undef MSMESIM_FLOW_CASE
        throw InvalidArgument("flows", "'" + name + "'", "a FirmFlows field, see Simulation.flow_names()");
      },
      py::arg("name"), "Read-only view of one cash-flow array of the latest month (record_flows=True).");
  sim.def_static("state_names", [] {
    return std::vector<std::string>{
#define MSMESIM_STATE_NAME(field) #field,
        MSMESIM_STATE_ARRAYS(MSMESIM_STATE_NAME)
#undef MSMESIM_STATE_NAME
    };
  });
  sim.def_static("flow_names", [] {
    return std::vector<std::string>{
#define MSMESIM_FLOW_NAME(field) #field,
        MSMESIM_FLOW_ARRAYS(MSMESIM_FLOW_NAME)
#undef MSMESIM_FLOW_NAME
    };
  });
}

}  // namespace msmesim::python
