// The engine: steps a population through a scenario month by month.
// `run` does a whole run; `Simulation` exposes the same engine one month at a
// time for programs that couple msmesim to other models or inspect firms
// between months. Results depend only on (population, scenario, seed,
// replication) — never on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "msmesim/population/population.hpp"
#include "msmesim/io/results.hpp"
#include "msmesim/scenario/scenario.hpp"
#include "msmesim/core/state.hpp"

namespace msmesim {

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint32_t replication = 0;
  /// Worker threads; 0 uses every core. Results do not depend on it.
  int threads = 1;
  /// Keep per-firm cash flows of the latest month (Simulation::flows()).
  bool record_flows = false;
  /// Produce the firm-level table RunResult::firms.
  bool microdata = true;
  /// Produce RunResult::cooperatives_panel (one row per cooperative and month).
  bool cooperative_panel = false;
  /// Months (indices from 0) whose every firm is kept in RunResult::panel:
  /// status, class, revenue, cash, assets, workers and debt at the month's end.
  std::vector<int> panel_months;
  /// Called after every month with (months done, months in all); returning
  /// false stops the run with msmesim::Cancelled.
  std::function<bool(int, int)> progress;
};

class Simulation {
 public:
  /// Validates the population, scenario and options (InvalidArgument on error)
  /// and prepares the initial state. The simulation refers to `population`
  /// (it does not copy it): the population must outlive the simulation and
  /// must not change while it runs. The scenario and options are copied.
  Simulation(const Population& population, const Scenario& scenario, RunOptions options = {});
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  int months_done() const;
  int months_total() const;
  bool done() const;
  /// Steps one month. Throws Error when the run is already complete.
  void step();
  /// Steps to the end, calling the progress callback after every month.
  void run();
  /// State of every firm after the latest month.
  const FirmState& state() const;
  /// Cash flows of the latest month (empty unless record_flows).
  const FirmFlows& flows() const;
  /// State of every cooperative after the latest month (their books, RAT
  /// history and status).
  const Cooperatives& cooperatives() const;
  /// Builds the result (the firm table is a copy of the state). The
  /// simulation cannot be stepped afterwards.
  RunResult result();

 private:
  friend RunResult run(const Population&, const Scenario&, const RunOptions&);
  friend void burn_in(Population&, const FirmParams&, int, std::uint64_t, int);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs `scenario` on `population` to the end.
RunResult run(const Population& population, const Scenario& scenario, const RunOptions& options = {});

}  // namespace msmesim
