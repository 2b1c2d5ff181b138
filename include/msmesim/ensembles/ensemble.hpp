// Ensembles: many replications of one or more scenarios on one population,
// run in parallel and summarised as they finish, and the comparison of
// scenarios against a baseline on common random numbers (docs/ensembles.md).
//
// Replication r of every scenario uses the random streams of (seed, r), so a
// scenario and the baseline differ only by what the scenario changes; their
// difference is measured firm by firm. Replications are merged into the
// summaries in replication order whatever the thread count, so results are
// bitwise identical for any number of threads. Memory does not grow with the
// number of replications except for a few numbers per replication and
// scenario (the outcomes table).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "msmesim/population/population.hpp"
#include "msmesim/io/results.hpp"
#include "msmesim/scenario/scenario.hpp"

namespace msmesim {

struct EnsembleOptions {
  std::uint64_t seed = 1;
  /// Replications are numbered from here (a later batch continues an
  /// earlier one without overlap).
  std::uint32_t first_replication = 0;
  /// Worker threads; 0 uses every core. Results do not depend on it.
  int threads = 1;
  /// true: every scenario's replication r uses the streams of (seed, r)
  /// (common random numbers). false: scenario k draws from its own seed
  /// derived from (seed, k) — independent streams, for comparison only.
  bool common_random_numbers = true;
  /// Quantiles of the monthly series (each in (0, 1), increasing).
  std::vector<double> quantiles{0.05, 0.25, 0.5, 0.75, 0.95};
  /// Confidence level of the intervals of means (in (0, 1)).
  double confidence = 0.90;
  /// Cash of at least this many months of fixed costs, wages and
  /// instalments at award counts as healthy cash (additionality by
  /// `cash_at_award`).
  double healthy_cash_months = 1.0;
  /// Series quantiles are exact while a cell has at most this many
  /// replications, then streamed with the extended P-square algorithm
  /// (memory per cell stays bounded).
  std::uint32_t exact_quantiles_up_to = 64;
  /// Called on the calling thread after every merged replication and at
  /// least every 0.1 s, with (replications merged, replications asked for);
  /// returning false (or throwing) stops the ensemble: the replications
  /// merged so far are kept.
  std::function<bool(std::uint32_t, std::uint32_t)> progress;
  /// A directory (created if needed) where every completed replication is
  /// saved as it finishes, and from which replications saved there are read
  /// instead of being run again: an ensemble stopped at any moment (even
  /// killed) and started again with the same checkpoint continues where it
  /// stopped, and its result is bitwise that of an uninterrupted run. The
  /// directory's manifest names the population, scenarios, seed and
  /// options; another ensemble's checkpoint is refused (InvalidArgument on
  /// `checkpoint`). Empty: no checkpoint.
  std::string checkpoint;
};

/// The numeric options of an ensemble — EnsembleOptions' and the
/// replications of Ensemble::run — with defaults, ranges and meaning:
/// validation, the bindings' defaults, the Python layer's checks and
/// docs/ensembles.md read it (a test checks EnsembleOptions' defaults
/// against it).
std::span<const ParamInfo> ensemble_option_table();

/// Summary of an ensemble. Scenario 0 is the baseline of the comparisons.
struct EnsembleResult {
  std::vector<std::string> scenarios;
  std::string population;
  std::uint64_t seed = 1;
  std::uint32_t first_replication = 0;
  std::uint32_t replications = 0;  ///< merged (completed) replications
  /// Of those, replications read from the checkpoint instead of being run.
  std::uint32_t replications_resumed = 0;
  bool common_random_numbers = true;
  double confidence = 0.90;
  YearMonth start;
  int months = 0;
  std::vector<std::string> region_names, sector_names, programme_names;

  /// Monthly series over replications, long form: scenario, month, group
  /// (absent for `monthly` and `cooperatives`), variable, n, mean, sd, min,
  /// max and one column per quantile (q05, q50, ...). Tables: monthly,
  /// by_sector, by_class, by_region, cooperatives, programmes.
  std::vector<std::pair<std::string, Table>> series;
  /// One row per replication, scenario and metric (exact values): levels of
  /// every scenario and differences of every other scenario from the
  /// baseline in the same replication.
  Table outcomes;
  /// One row per scenario (other than the baseline) and metric: n, mean, sd,
  /// se, ci_low, ci_high (Student t), p05, p50, p95 over replications; ratio
  /// metrics (cost per job and per firm saved) with delta-method intervals.
  Table comparison;
  /// Firms and jobs saved by group: scenario, dimension (region, size_class,
  /// sector, membership), group, metric, n, mean, sd, ci_low, ci_high.
  Table comparison_by_group;
  /// Recipients of each programme paired with themselves in the baseline:
  /// scenario, programme, dimension (all, size_class, sector, region,
  /// cash_at_award), group, recipients (mean per replication) and, for each
  /// outcome (additional, deadweight, closed_despite, harmed), its share of
  /// recipients with a confidence interval.
  Table additionality;

  double elapsed_seconds = 0.0;
  int threads = 1;
  /// The latest Ensemble::run stopped (cancelled, interrupted or failed)
  /// before all its replications were merged.
  bool cancelled = false;
  /// Bytes held by the summaries (grows only by the outcomes table).
  std::size_t memory_bytes = 0;
};

/// Runs replications of scenarios on a population and keeps their summary.
/// `run` may be called again to add replications (continuing the numbering);
/// after a cancelled run the completed replications remain and the next run
/// continues from there.
class Ensemble {
 public:
  /// Validates: at least one scenario, unique names, equal start and
  /// months, options in range (InvalidArgument naming the field).
  Ensemble(const Population& population, std::vector<Scenario> scenarios, EnsembleOptions options = {});
  ~Ensemble();
  Ensemble(Ensemble&&) noexcept;
  Ensemble& operator=(Ensemble&&) noexcept;

  /// Runs `replications` more replications. Throws Cancelled when the
  /// progress callback stops it (the completed ones are kept), and rethrows
  /// the first error of a replication.
  void run(std::uint32_t replications);
  /// Replaces the progress callback (EnsembleOptions::progress).
  void set_progress(std::function<bool(std::uint32_t, std::uint32_t)> progress);
  std::uint32_t replications_done() const;
  /// The summary of the replications done so far.
  EnsembleResult result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs `replications` replications of every scenario (scenarios[0] is the
/// baseline) and returns the summary.
EnsembleResult run_ensemble(const Population& population, const std::vector<Scenario>& scenarios,
                            std::uint32_t replications, const EnsembleOptions& options = {});

}  // namespace msmesim
